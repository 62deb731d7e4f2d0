#include "consumers/auditor/store/audit_store.h"

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "consumers/auditor/journal/canonical_json.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/journal/hash_chain.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/support/child_process.h"
#include "tests/support/postgres_server.h"
#include "tests/support/wait.h"

namespace e911::auditor {
namespace {

constexpr EpochMillis kStart = 1795255200000;  // 2026-11-21T10:00:00Z

using test::Backend;

std::string payload_of(std::int64_t i) {
  return R"({"n":)" + std::to_string(i) + R"(,"status":"delivered","to":"+15125550100"})";
}

// Entries after `previous` (nullptr: from seq 1).
std::vector<AuditEntry> chain_after(const AuditEntry* previous, int n, const Signer& signer,
                                    const std::string& salt = "") {
  std::vector<AuditEntry> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const AuditEntry* prev = out.empty() ? previous : &out.back();
    const std::int64_t seq = prev ? prev->seq + 1 : 1;
    out.push_back(chain_next(prev, std::string(entry_kind::kNotification), "c-" + std::to_string((seq + 1) / 2) + salt,
                             kStart + seq * 250, payload_of(seq), signer));
  }
  return out;
}

void expect_same(const AuditEntry& a, const AuditEntry& b) {
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.call_id, b.call_id);
  EXPECT_EQ(a.at, b.at);
  EXPECT_EQ(a.payload, b.payload);
  EXPECT_EQ(a.prev_hash, b.prev_hash);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.key_id, b.key_id);
  EXPECT_EQ(a.signature, b.signature);
}

std::vector<AuditEntry> all_of(AuditStore& store, std::int64_t from = 1) {
  std::vector<AuditEntry> out;
  store.scan(from, [&](const AuditEntry& e) {
    out.push_back(e);
    return true;
  });
  return out;
}

// The message of what `f` throws (a std::exception or a Poco::Exception);
// empty if it throws nothing.
template <typename F>
std::string thrown_by(F&& f) {
  try {
    f();
  } catch (const Poco::Exception& e) {
    return e.displayText();
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

// `sql` on `session` is refused with an error that says `reason`.
void expect_statement_refused(Poco::Data::Session& session, const std::string& sql, const std::string& reason) {
  const auto why = thrown_by([&] { session << sql, Poco::Data::Keywords::now; });
  EXPECT_NE(why.find(reason), std::string::npos) << sql << ": " << why;
}

class AuditStoreTest : public test::StoreTest {
 protected:
  std::unique_ptr<AuditStore> open(const AuditStoreOptions& options = {}) { return open_audit_store(url_, options); }


  VerifyResult verify(AuditStore& store) { return verify_chain(entries_from(store, 1, 100), keyring_); }

  Signer signer_ = test::signer(SigningAlgorithm::hs256, "k-2026");
  Keyring keyring_ = test::keyring_of(signer_);
};

INSTANTIATE_TEST_SUITE_P(Stores, AuditStoreTest, test::kBothStores, test::backend_name);

// A writer frozen in the middle of a batch (a long pause, a stalled VM)
// holds the journal's write lock; the other auditor waits for the
// server to end that idle transaction (idle_transaction_timeout_s), not
// for as long as the first is frozen.
TEST_P(AuditStoreTest, AWriterFrozenMidBatchHoldsTheJournalForTheIdleTimeoutAtMost) {
  if (GetParam() != Backend::postgresql) GTEST_SKIP() << "SQLite: one process's file, busy timeout";
  AuditStoreOptions options;
  options.idle_transaction_timeout_s = 1;
  auto frozen = open(options);
  auto other = open();
  std::promise<void> inside, wake;
  auto woken = wake.get_future().share();
  std::thread writing([&] {
    thrown_by([&] {
      frozen->in_write_transaction("test: frozen mid-batch", [&](Poco::Data::Session&) {
        inside.set_value();  // the write lock held
        woken.wait();
      });
    });
  });
  inside.get_future().wait();
  auto appended = std::async(std::launch::async, [&] { other->append(chain_after(nullptr, 2, signer_), {}); });
  const bool done = appended.wait_for(test::kDeadline) == std::future_status::ready;
  wake.set_value();
  writing.join();
  ASSERT_TRUE(done) << "the other writer still waits for the frozen one";
  appended.get();
  EXPECT_EQ(other->count(), 2);
  EXPECT_TRUE(verify(*other).ok);
}

TEST_P(AuditStoreTest, AppendsAndReadsBack) {
  auto store = open();
  EXPECT_EQ(store->count(), 0);
  EXPECT_FALSE(store->last_entry());
  EXPECT_TRUE(store->offsets("auditor").empty());
  EXPECT_TRUE(all_of(*store).empty());
  EXPECT_TRUE(verify(*store).ok);

  const auto chain = chain_after(nullptr, 3, signer_);
  const std::vector<ConsumedOffset> offsets = {{"auditor", "e911.notifications", 1, 7},
                                               {"auditor", "e911.calls", 0, 10}};
  store->append(chain, offsets);

  EXPECT_EQ(store->count(), 3);
  ASSERT_TRUE(store->last_entry());
  expect_same(*store->last_entry(), chain[2]);
  const auto read = all_of(*store);
  ASSERT_EQ(read.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) expect_same(read[i], chain[i]);
  const auto from_two = all_of(*store, 2);
  ASSERT_EQ(from_two.size(), 2u);
  EXPECT_EQ(from_two[0].seq, 2);
  // By topic, then partition.
  EXPECT_EQ(store->offsets("auditor"),
            (std::vector<ConsumedOffset>{{"auditor", "e911.calls", 0, 10}, {"auditor", "e911.notifications", 1, 7}}));
  EXPECT_TRUE(store->offsets("someone-else").empty());

  const auto r = verify(*store);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.last_seq, 3);
  EXPECT_EQ(r.last_hash, chain[2].hash);
}

TEST_P(AuditStoreTest, SecondAppendContinuesTheChainAndMovesOffsets) {
  auto store = open();
  const auto first = chain_after(nullptr, 3, signer_);
  store->append(first, {{"auditor", "e911.calls", 0, 3}});
  const auto second = chain_after(&first.back(), 2, signer_);
  store->append(second, {{"auditor", "e911.calls", 0, 5}, {"auditor", "e911.calls", 1, 1}});
  // Offsets alone (records that made no entry) are fine too.
  store->append({}, {{"auditor", "e911.calls", 1, 2}});

  EXPECT_EQ(store->count(), 5);
  EXPECT_EQ(store->last_entry()->seq, 5);
  EXPECT_EQ(store->offsets("auditor"),
            (std::vector<ConsumedOffset>{{"auditor", "e911.calls", 0, 5}, {"auditor", "e911.calls", 1, 2}}));
  const auto tail = all_of(*store, 4);
  ASSERT_EQ(tail.size(), 2u);
  expect_same(tail[0], second[0]);
  expect_same(tail[1], second[1]);
  const auto r = verify(*store);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 5);
}

TEST_P(AuditStoreTest, RefusesEntriesThatDoNotContinueTheChain) {
  auto store = open();
  const auto chain = chain_after(nullptr, 6, signer_);

  // An empty journal starts at seq 1.
  auto why = thrown_by([&] { store->append({chain[1]}, {{"auditor", "t", 0, 9}}); });
  EXPECT_NE(why.find("audit store " + store->name() + ": append: seq 2 does not continue the journal"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("last seq is 0"), std::string::npos) << why;
  EXPECT_EQ(store->count(), 0);
  EXPECT_TRUE(store->offsets("auditor").empty());

  store->append({chain[0], chain[1], chain[2]}, {{"auditor", "t", 0, 3}});
  const auto unchanged = [&] {
    EXPECT_EQ(store->count(), 3);
    EXPECT_EQ(store->last_entry()->seq, 3);
    EXPECT_EQ(store->offsets("auditor"), (std::vector<ConsumedOffset>{{"auditor", "t", 0, 3}}));
  };

  // A gap: seq 5 after 3. Both seqs named.
  why = thrown_by([&] { store->append({chain[4], chain[5]}, {{"auditor", "t", 0, 6}}); });
  EXPECT_NE(why.find("seq 5 does not continue the journal, whose last seq is 3"), std::string::npos) << why;
  unchanged();
  // A replay from the start.
  why = thrown_by([&] { store->append({chain[0]}, {{"auditor", "t", 0, 1}}); });
  EXPECT_NE(why.find("seq 1 does not continue the journal, whose last seq is 3"), std::string::npos) << why;
  unchanged();
  // The right seq on another chain (a fork from another writer).
  const auto fork = chain_after(nullptr, 4, signer_, "-fork");
  why = thrown_by([&] { store->append({fork[3]}, {{"auditor", "t", 0, 4}}); });
  EXPECT_NE(why.find("seq 4's prev_hash " + abbreviated_hash(fork[3].prev_hash) + " is not seq 3's hash " +
                     abbreviated_hash(chain[2].hash)),
            std::string::npos)
      << why;
  unchanged();
  // Gaps, repeats and forks inside a batch.
  why = thrown_by([&] { store->append({chain[3], chain[5]}, {{"auditor", "t", 0, 6}}); });
  EXPECT_NE(why.find("seq 6 follows seq 4 in the batch"), std::string::npos) << why;
  unchanged();
  why = thrown_by([&] { store->append({chain[3], chain[4], chain[4]}, {{"auditor", "t", 0, 6}}); });
  EXPECT_NE(why.find("seq 5 follows seq 5 in the batch"), std::string::npos) << why;
  unchanged();
  auto forked_link = chain[4];
  forked_link.prev_hash = fork[3].hash;
  why = thrown_by([&] { store->append({chain[3], forked_link}, {{"auditor", "t", 0, 6}}); });
  EXPECT_NE(why.find("seq 5's prev_hash"), std::string::npos) << why;
  unchanged();

  // The store is still usable.
  store->append({chain[3], chain[4], chain[5]}, {{"auditor", "t", 0, 6}});
  EXPECT_EQ(store->count(), 6);
  EXPECT_TRUE(verify(*store).ok);
}

TEST_P(AuditStoreTest, ConcurrentWritersCannotForkTheChain) {
  const auto chain = chain_after(nullptr, 3, signer_);
  open()->append(chain, {{"auditor", "t", 0, 3}});

  // Four writers (four connections), each with its own seq 4 on top of
  // seq 3, at once: one wins; the others wait for the journal's write lock
  // and then find seq 4 taken, rather than failing on the primary key or
  // forking the chain.
  constexpr int kWriters = 4;
  std::vector<std::unique_ptr<AuditStore>> stores;
  for (int i = 0; i < kWriters; ++i) stores.push_back(open());
  std::vector<std::string> errors(kWriters);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      const auto mine = chain_after(&chain.back(), 1, signer_, "-writer" + std::to_string(i));
      ++ready;
      while (ready.load() < kWriters) std::this_thread::yield();
      errors[static_cast<std::size_t>(i)] = thrown_by([&] {
        stores[static_cast<std::size_t>(i)]->append(mine, {{"auditor", "t", 0, 4 + i}});
      });
    });
  }
  for (auto& t : threads) t.join();

  int won = 0;
  for (const auto& e : errors) {
    if (e.empty()) {
      ++won;
    } else {
      EXPECT_NE(e.find("seq 4 does not continue the journal, whose last seq is 4"), std::string::npos) << e;
    }
  }
  EXPECT_EQ(won, 1);
  auto store = open();
  EXPECT_EQ(store->count(), 4);
  const auto offsets = store->offsets("auditor");
  ASSERT_EQ(offsets.size(), 1u);
  EXPECT_EQ(offsets[0].next_offset - 4, std::find(errors.begin(), errors.end(), "") - errors.begin());
  EXPECT_TRUE(verify(*store).ok);
}

TEST_P(AuditStoreTest, EntriesAndOffsetsCommitTogetherOrNotAtAll) {
  auto store = open();
  const auto chain = chain_after(nullptr, 6, signer_);
  store->append({chain[0], chain[1], chain[2]}, {{"auditor", "t", 0, 3}, {"auditor", "t", 1, 8}});

  // The database fails in the middle of the transaction: after the three
  // entries and the first offset were written, the second offset breaks
  // its CHECK constraint (a negative offset).
  const std::vector<AuditEntry> batch = {chain[3], chain[4], chain[5]};
  const auto why = thrown_by([&] { store->append(batch, {{"auditor", "t", 0, 6}, {"auditor", "t", 1, -1}}); });
  EXPECT_NE(why.find("audit store " + store->name() + ": append: "), std::string::npos) << why;
  EXPECT_EQ(store->count(), 3);
  EXPECT_EQ(store->last_entry()->seq, 3);
  EXPECT_EQ(all_of(*store).size(), 3u);
  EXPECT_EQ(store->offsets("auditor"), (std::vector<ConsumedOffset>{{"auditor", "t", 0, 3}, {"auditor", "t", 1, 8}}));

  // A fresh connection sees the same (nothing half-committed).
  store.reset();
  store = open();
  EXPECT_EQ(store->count(), 3);
  EXPECT_EQ(store->offsets("auditor"), (std::vector<ConsumedOffset>{{"auditor", "t", 0, 3}, {"auditor", "t", 1, 8}}));

  store->append(batch, {{"auditor", "t", 0, 6}, {"auditor", "t", 1, 9}});
  EXPECT_EQ(store->count(), 6);
  EXPECT_EQ(store->offsets("auditor"), (std::vector<ConsumedOffset>{{"auditor", "t", 0, 6}, {"auditor", "t", 1, 9}}));
  EXPECT_TRUE(verify(*store).ok);
}

TEST_P(AuditStoreTest, TheDatabaseRefusesUpdateAndDelete) {
  auto store = open();
  store->append(chain_after(nullptr, 3, signer_), {});
  auto& session = store->session();

  for (const char* sql : {"UPDATE audit_entries SET payload = '{}' WHERE seq = 2",
                          "DELETE FROM audit_entries WHERE seq = 3", "DELETE FROM audit_entries"}) {
    expect_statement_refused(session, sql, "audit entries are append-only");
  }
  if (postgres()) {
    expect_statement_refused(session, "TRUNCATE audit_entries", "audit entries are append-only (TRUNCATE refused)");
  }

  EXPECT_EQ(store->count(), 3);
  const auto r = verify(*store);
  EXPECT_TRUE(r.ok) << r.reason;
  // Refused statements leave the connection usable.
  const auto last = store->last_entry();
  store->append(chain_after(&*last, 1, signer_), {});
  EXPECT_EQ(store->count(), 4);
}

TEST_P(AuditStoreTest, VerifyNamesAnEntryChangedWithTheDatabasesOwnClient) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  auto store = open();
  store->append(chain_after(nullptr, 5, signer_), {});
  ASSERT_TRUE(verify(*store).ok);

  // One byte of seq 2's payload, as someone with the file or the superuser
  // role would: around the protection.
  const std::string change =
      R"(UPDATE audit_entries SET payload = replace(payload, '"n":2,', '"n":7,') WHERE seq = 2;)";
  if (postgres()) {
    client("ALTER TABLE audit_entries DISABLE TRIGGER ALL; " + change +
           " ALTER TABLE audit_entries ENABLE TRIGGER ALL;");
  } else {
    client("DROP TRIGGER audit_entries_no_update; " + change);
  }
  EXPECT_EQ(all_of(*store, 2).front().payload, payload_of(7));

  const auto r = verify(*store);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 2);
  EXPECT_EQ(r.reason.rfind("seq 2: hash does not match its content", 0), 0u) << r.reason;
  EXPECT_EQ(r.last_seq, 1);
}

TEST_P(AuditStoreTest, VerifyNamesAnEntryDeletedWithTheDatabasesOwnClient) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  auto store = open();
  store->append(chain_after(nullptr, 5, signer_), {});

  if (postgres()) {
    client(
        "ALTER TABLE audit_entries DISABLE TRIGGER ALL; DELETE FROM audit_entries WHERE seq = 3; "
        "ALTER TABLE audit_entries ENABLE TRIGGER ALL;");
  } else {
    client("DROP TRIGGER audit_entries_no_delete; DELETE FROM audit_entries WHERE seq = 3;");
  }
  EXPECT_EQ(store->count(), 4);

  const auto r = verify(*store);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 3);
  EXPECT_EQ(r.reason, "seq 3 missing: no purge entry covers it");
}

TEST_P(AuditStoreTest, ScansTenThousandEntriesPageByPage) {
  AuditStoreOptions options;
  options.scan_page = 128;
  auto store = open(options);
  const auto chain = chain_after(nullptr, 10'000, signer_);
  for (std::size_t i = 0; i < chain.size(); i += 1000) {
    const std::vector<AuditEntry> batch(chain.begin() + static_cast<std::ptrdiff_t>(i),
                                        chain.begin() + static_cast<std::ptrdiff_t>(i + 1000));
    store->append(batch, {{"auditor", "e911.calls", 0, batch.back().seq}});
  }
  ASSERT_EQ(store->count(), 10'000);
  const auto extra = chain_after(&chain.back(), 1, signer_);

  // In order, without gaps; and pages are read as the scan goes: an entry
  // appended while the first page is being visited shows up at the end.
  std::int64_t expected = 1;
  bool appended = false;
  store->scan(1, [&](const AuditEntry& e) {
    EXPECT_EQ(e.seq, expected);
    if (e.seq != expected) return false;
    ++expected;
    if (e.seq == 50) {
      store->append(extra, {{"auditor", "e911.calls", 0, 10'001}});
      appended = true;
    }
    return true;
  });
  EXPECT_TRUE(appended);
  EXPECT_EQ(expected, 10'002);

  // Stopping early, from the middle.
  std::vector<std::int64_t> seen;
  store->scan(9'990, [&](const AuditEntry& e) {
    seen.push_back(e.seq);
    return seen.size() < 3;
  });
  EXPECT_EQ(seen, (std::vector<std::int64_t>{9'990, 9'991, 9'992}));

  const auto r = verify_chain(entries_from(*store, 1, 500), keyring_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 10'001);
  EXPECT_EQ(r.last_hash, extra[0].hash);
}

TEST_P(AuditStoreTest, ReopeningRunsNoMigrationTwice) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  const auto chain = chain_after(nullptr, 2, signer_);
  {
    auto store = open();
    store->append({chain[0]}, {{"auditor", "t", 0, 1}});
  }
  {
    auto store = open();  // would fail creating tables that exist
    store->append({chain[1]}, {{"auditor", "t", 0, 2}});
  }
  auto store = open();
  EXPECT_EQ(store->count(), 2);
  EXPECT_EQ(store->offsets("auditor"), (std::vector<ConsumedOffset>{{"auditor", "t", 0, 2}}));
  EXPECT_EQ(client("SELECT COUNT(*) || ' ' || MAX(version) FROM schema_version"), "1 4");  // one row, four migrations
  if (postgres()) {
    EXPECT_EQ(client("SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'audit_entries'::regclass AND NOT tgisinternal"),
              "1");
  } else {
    EXPECT_EQ(client("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'"), "2");
  }

  // A database from a newer build is not touched.
  store.reset();
  client("UPDATE schema_version SET version = 99");
  const auto why = thrown_by([&] { open(); });
  EXPECT_NE(why.find("migrate: database schema version 99 is newer than this build knows (4)"), std::string::npos)
      << why;
}

TEST_P(AuditStoreTest, HostileTextIsStoredAsData) {
  auto store = open();
  const std::string hostile =
      "Robert'); DROP TABLE audit_entries; -- \" ` \\ ? $1 $$ %s ' OR '1'='1 "
      "\xE2\x88\x86 \xF0\x9F\x9A\x91 \xD7\xA2\xD7\x91\xD7\xA8\xD7\x99\xD7\xAA e\xCC\x81 \xEF\xB7\xBD \t\n\r";
  std::string payload = R"({"note":)";
  append_canonical_string(payload, hostile);
  payload += "}";
  std::vector<AuditEntry> chain;
  chain.push_back(chain_next(nullptr, "kind'?$1", hostile, kStart, payload, signer_));
  chain.push_back(
      chain_next(&chain[0], std::string(entry_kind::kCorrection), "'", kStart + 1, R"({"q":"?"})", signer_));
  const std::vector<ConsumedOffset> offsets = {{hostile, "topic'; --", 0, 2}, {"g", hostile, 2147483647, 1}};
  store->append(chain, offsets);

  const auto read = all_of(*store);
  ASSERT_EQ(read.size(), 2u);
  expect_same(read[0], chain[0]);
  expect_same(read[1], chain[1]);
  EXPECT_EQ(store->offsets(hostile), (std::vector<ConsumedOffset>{offsets[0]}));
  EXPECT_EQ(store->offsets("g"), (std::vector<ConsumedOffset>{offsets[1]}));
  EXPECT_EQ(store->count(), 2);
  const auto r = verify(*store);
  EXPECT_TRUE(r.ok) << r.reason;
}

// The deployment docs/auditor.md describes: the migrations run as the
// tables' owner; the auditor's role, granted INSERT and SELECT only, opens
// the store without DDL, appends, and can neither change entries nor turn
// the trigger off.
class AuditStorePostgresRoles : public ::testing::Test {
 protected:
  static void TearDownTestSuite() { e911::test::PostgresServer::stop_shared(); }
};

TEST_F(AuditStorePostgresRoles, TheAuditorRoleAppendsButCannotChangeOrUnprotect) {
  if (e911::test::PostgresServer::bin_dir().empty()) GTEST_SKIP() << "no PostgreSQL server binaries";
  auto& server = e911::test::PostgresServer::shared();
  const auto db = server.create_database();
  const auto owner = db + "_owner", auditor = db + "_auditor";
  const auto as = [&](const std::string& role) {
    return "postgresql://" + role + "@127.0.0.1:" + std::to_string(server.port()) + "/" + db;
  };
  const auto superuser = [&](const std::string& sql) {
    const auto r = server.psql(db, sql);
    ASSERT_EQ(r.exit_code, 0) << sql << "\n" << r.out << r.err;
  };
  superuser("CREATE ROLE " + owner + " LOGIN; CREATE ROLE " + auditor +
            " LOGIN; GRANT USAGE, CREATE ON SCHEMA public TO " + owner + ";");
  open_audit_store(as(owner));  // migrates
  superuser("GRANT USAGE ON SCHEMA public TO " + auditor + "; GRANT SELECT, INSERT ON audit_entries TO " + auditor +
            "; GRANT SELECT, INSERT, UPDATE ON consumer_offsets TO " + auditor +
            "; GRANT SELECT ON schema_version TO " + auditor + ";");

  const auto signer = test::signer(SigningAlgorithm::hs256, "k-2026");
  auto store = open_audit_store(as(auditor));
  const auto chain = chain_after(nullptr, 3, signer);
  store->append({chain[0], chain[1]}, {{"auditor", "t", 0, 2}});
  store->append({chain[2]}, {{"auditor", "t", 0, 3}});
  EXPECT_EQ(store->count(), 3);
  EXPECT_EQ(store->offsets("auditor"), (std::vector<ConsumedOffset>{{"auditor", "t", 0, 3}}));
  EXPECT_TRUE(verify_chain(entries_from(*store), test::keyring_of(signer)).ok);

  auto& session = store->session();
  // The auditor's role may add entries, never change or drop them.
  const std::pair<const char*, const char*> refusals[] = {
      {"UPDATE audit_entries SET payload = '{}' WHERE seq = 2", "permission denied for table audit_entries"},
      {"DELETE FROM audit_entries", "permission denied for table audit_entries"},
      {"ALTER TABLE audit_entries DISABLE TRIGGER ALL", "must be owner of table audit_entries"},
      {"DROP TABLE audit_entries", "must be owner of table audit_entries"},
  };
  for (const auto& [sql, reason] : refusals) expect_statement_refused(session, sql, reason);
  EXPECT_EQ(store->count(), 3);
}

// ---- locations and errors ----

TEST(AuditStoreUrl, SqliteForms) {
  for (const auto& [url, file] :
       std::vector<std::pair<std::string, std::string>>{{"sqlite:/var/lib/e911/audit.db", "/var/lib/e911/audit.db"},
                                                        {"sqlite:audit.db", "audit.db"},
                                                        {"sqlite:///var/lib/e911/audit.db", "/var/lib/e911/audit.db"},
                                                        {"/var/lib/e911/audit.db", "/var/lib/e911/audit.db"},
                                                        {"state/audit.db", "state/audit.db"},
                                                        {"sqlite:/tmp/a=b.db", "/tmp/a=b.db"}}) {
    const auto loc = parse_store_url(url);
    EXPECT_EQ(loc.kind, StoreLocation::Kind::sqlite) << url;
    EXPECT_EQ(loc.target, file) << url;
    EXPECT_EQ(loc.display_name, "sqlite:" + file) << url;
  }
  EXPECT_THROW(parse_store_url(""), std::runtime_error);
  EXPECT_THROW(parse_store_url("sqlite:"), std::runtime_error);
  EXPECT_THROW(parse_store_url("sqlite://host/audit.db"), std::runtime_error);
}

TEST(AuditStoreUrl, PostgresqlUrlsBecomeKeyValueStrings) {
  const auto loc = parse_store_url("postgresql://auditor:p%40ss'w\\rd@db.example:5433/e911?sslmode=require");
  EXPECT_EQ(loc.kind, StoreLocation::Kind::postgresql);
  EXPECT_EQ(loc.display_name, "postgresql://auditor@db.example:5433/e911");
  EXPECT_EQ(loc.target,
            "user='auditor' password='p@ss\\'w\\\\rd' dbname='e911' host='db.example' port='5433' "
            "sslmode='require' client_encoding='UTF8'");
  EXPECT_EQ(loc.secrets, (std::vector<std::string>{"p@ss'w\\rd"}));

  const auto short_form = parse_store_url("postgres://db/e911");
  EXPECT_EQ(short_form.display_name, "postgresql://db/e911");
  EXPECT_EQ(short_form.target, "dbname='e911' host='db' client_encoding='UTF8'");

  const auto kv = parse_store_url("host=127.0.0.1 port=5432 dbname=e911 user=auditor password=secret");
  EXPECT_EQ(kv.kind, StoreLocation::Kind::postgresql);
  EXPECT_EQ(kv.display_name, "postgresql://auditor@127.0.0.1:5432/e911");
  EXPECT_EQ(kv.target.find("password='secret'") != std::string::npos, true) << kv.target;
}

TEST(AuditStoreUrl, ErrorsNeverShowThePassword) {
  for (const std::string url :
       {"postgresql://auditor:hunter2-pw@db:notaport/e911", "host=db password=hunter2-pw port=notaport",
        "host=db password hunter2-pw", "postgresql://auditor:hunter2%20pw@db/e911",
        "postgresql://auditor:hunter2-pw@db/e911?nosuchparam=1"}) {
    const auto why = thrown_by([&] { open_audit_store(url); });
    EXPECT_FALSE(why.empty()) << url;
    EXPECT_EQ(why.find("hunter2"), std::string::npos) << why;
  }
  const auto why = thrown_by([&] { parse_store_url("postgresql://auditor:hunter2%20pw@db/e911"); });
  EXPECT_NE(why.find("PGPASSWORD"), std::string::npos) << why;
}

TEST(AuditStoreUrl, ConnectionFailuresNameTheStoreWithoutThePassword) {
  const int port = e911::test::free_loopback_port();  // nothing listens there
  AuditStoreOptions options;
  options.connect_timeout_s = 5;
  const auto why = thrown_by([&] {
    open_audit_store("postgresql://auditor:hunter2-pw@127.0.0.1:" + std::to_string(port) + "/e911", options);
  });
  EXPECT_EQ(why.rfind("audit store postgresql://auditor@127.0.0.1:" + std::to_string(port) + "/e911: open: ", 0), 0u)
      << why;
  EXPECT_EQ(why.find("hunter2"), std::string::npos) << why;

  const auto missing = thrown_by([&] { open_audit_store("sqlite:/nonexistent-e911-dir/audit.db"); });
  EXPECT_EQ(missing,
            "audit store sqlite:/nonexistent-e911-dir/audit.db: open: no such directory: /nonexistent-e911-dir")
      << missing;
}

}  // namespace
}  // namespace e911::auditor
