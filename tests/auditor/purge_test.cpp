// Retention purge against both stores (SQLite, a real PostgreSQL): what is
// removed, what stays, the purge entry, and that verification still passes
// across the purge while a deletion outside one still fails.

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/journal/purge_entry.h"
#include "consumers/auditor/store/retention.h"
#include "tests/auditor/audit_journal_fixture.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/support/child_process.h"
#include "tests/support/postgres_server.h"

namespace e911::auditor {
namespace {

constexpr EpochMillis kPurgeNow = test::kJournalNow;
constexpr RetentionDays kDays{2557, 90};

using test::Backend;

class RetentionPurge : public test::StoreTest {
 protected:
  void SetUpStore() override {
    store_ = open_audit_store(url_);
    journal_ = std::make_unique<test::JournalBuilder>(*store_, signer_);
  }


  void build_journal() { journal_->four_calls(); }
  void ingest_call(const std::string& call_id, const std::string& call_class, EpochMillis occurred_at) {
    journal_->call(call_id, call_class, occurred_at);
  }
  void ingest_notification(const std::string& call_id, int n, EpochMillis at) {
    journal_->notification(call_id, n, at);
  }

  PurgeRequest request(bool dry_run = false) {
    PurgeRequest r;
    r.cutoffs = retention_cutoffs(kPurgeNow, kDays);
    r.at = kPurgeNow;
    r.dry_run = dry_run;
    return r;
  }

  std::set<std::string> column(const std::string& sql) {
    std::set<std::string> out;
    const auto text = client(sql);
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      out.insert(text.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }

  std::vector<AuditEntry> all_entries() {
    std::vector<AuditEntry> out;
    store_->scan(1, [&](const AuditEntry& e) {
      out.push_back(e);
      return true;
    });
    return out;
  }

  VerifyResult verify() { return verify_chain(entries_from(*store_), keyring_); }

  std::unique_ptr<AuditStore> store_;
  Signer signer_ = test::signer(SigningAlgorithm::es256, "k-2026");
  Keyring keyring_ = test::keyring_of(signer_);
  std::unique_ptr<test::JournalBuilder> journal_;
};

INSTANTIATE_TEST_SUITE_P(Stores, RetentionPurge, test::kBothStores, test::backend_name);

// ELIN lookups: one that reached a call goes with that call; one that
// reached none goes by its own age (the emergency retention, from when it
// was journaled); their lookup ids go with them.
TEST_P(RetentionPurge, ElinLookupsGoWithTheirCallOrByTheirOwnAge) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  build_journal();  // 12 entries
  const EpochMillis eight_years = kPurgeNow - 2922 * kMillisPerDay;
  journal_->lookup("lk-old-call", "old", eight_years + 60000);                  // 13
  journal_->lookup("lk-nobody-old", "", eight_years + 120000);                  // 14
  journal_->lookup("lk-nobody-new", "", kPurgeNow - kMillisPerDay);             // 15
  journal_->lookup("lk-new-call", "new", kPurgeNow - 10 * kMillisPerDay + 60000);  // 16
  ASSERT_EQ(store_->count(), 16);

  const auto dry = purge_expired_calls(*store_, request(true), signer_);
  EXPECT_EQ(dry.calls, 2);
  EXPECT_EQ(dry.lookups, 1);
  EXPECT_EQ(dry.entries, 8);
  EXPECT_EQ(store_->count(), 16) << "a dry run changes nothing";

  const auto outcome = purge_expired_calls(*store_, request(), signer_);
  EXPECT_EQ(outcome.calls, 2);
  EXPECT_EQ(outcome.lookups, 1);
  EXPECT_EQ(outcome.entries, 8);
  EXPECT_EQ(outcome.entries_by_kind,
            (std::map<std::string, std::int64_t>{
                {"call.recorded", 2}, {"location.conveyed", 2}, {"notification", 2}, {"elin.lookup", 2}}));
  // old: 1-2, 5; old-test: 6-7, 9; the two old lookups: 13-14.
  EXPECT_EQ(outcome.gaps.size(), 4u);
  EXPECT_EQ(column("SELECT lookup_id FROM audit_elin_lookups"),
            (std::set<std::string>{"lk-nobody-new", "lk-new-call"}));
  EXPECT_EQ(column("SELECT seq FROM audit_entries WHERE kind = 'elin.lookup'"), (std::set<std::string>{"15", "16"}));
  auto r = verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.purged, 8);

  // Only a lookup that reached no call expired: it is purged all the same.
  journal_->lookup("lk-nobody-older", "", eight_years);
  const auto again = purge_expired_calls(*store_, request(), signer_);
  EXPECT_EQ(again.calls, 0);
  EXPECT_EQ(again.lookups, 1);
  ASSERT_EQ(again.purge_entries.size(), 1u);
  EXPECT_NE(again.purge_entries[0].payload.find(R"("entries":{"elin.lookup":1})"), std::string::npos)
      << again.purge_entries[0].payload;
  r = verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_TRUE(purge_expired_calls(*store_, request(), signer_).purge_entries.empty());
}

// Registrations keep the emergency retention, from when each was made,
// except what is in force: each user's latest, unless it is a withdrawal.
TEST_P(RetentionPurge, RegistrationsGoByTheirAgeExceptTheOneInForce) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  const EpochMillis eight_years = kPurgeNow - 2922 * kMillisPerDay;
  const EpochMillis recent = kPurgeNow - 10 * kMillisPerDay;
  journal_->registration("u-a", "a-1", eight_years);              // 1: superseded, expired
  journal_->registration("u-a", "a-2", eight_years + 60000);      // 2: u-a's latest: in force, kept
  journal_->registration("u-b", "b-1", eight_years);              // 3: superseded, expired
  journal_->registration("u-b", "b-2", recent);                   // 4: kept
  journal_->registration("u-c", "c-1", eight_years);              // 5: withdrawn long ago: all of u-c goes
  journal_->withdrawal("u-c", eight_years + 60000);               // 6
  journal_->registration("u-d", "d-1", eight_years);              // 7: expired, withdrawal recent: goes
  journal_->withdrawal("u-d", recent);                            // 8: kept
  journal_->registration("u-e", "e-1", recent);                   // 9: kept
  ASSERT_EQ(store_->count(), 9);

  const auto dry = purge_expired_calls(*store_, request(true), signer_);
  EXPECT_EQ(dry.registrations, 5);
  EXPECT_EQ(store_->count(), 9) << "a dry run changes nothing";

  const auto outcome = purge_expired_calls(*store_, request(), signer_);
  EXPECT_EQ(outcome.calls, 0);
  EXPECT_EQ(outcome.registrations, 5);
  EXPECT_EQ(outcome.entries, 5);
  EXPECT_EQ(outcome.entries_by_kind, (std::map<std::string, std::int64_t>{{"location.registered", 4},
                                                                          {"location.withdrawn", 1}}));
  EXPECT_EQ(column("SELECT seq FROM audit_entries WHERE kind LIKE 'location.%'"),
            (std::set<std::string>{"2", "4", "8", "9"}));
  EXPECT_EQ(column("SELECT event_id FROM audit_registrations WHERE kind = 'location.registered'"),
            (std::set<std::string>{"a-2", "b-2", "e-1"}));
  EXPECT_EQ(column("SELECT user_id FROM audit_registrations WHERE kind = 'location.withdrawn'"),
            (std::set<std::string>{"u-d"}));
  auto r = verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.purged, 5);
  // What is left is in force: nothing more to purge.
  EXPECT_TRUE(purge_expired_calls(*store_, request(), signer_).purge_entries.empty());
}

TEST_P(RetentionPurge, RemovesExpiredCallsAndTheChainStillVerifies) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  build_journal();
  ASSERT_EQ(store_->count(), 12);
  const auto head = store_->last_entry();

  const auto outcome = purge_expired_calls(*store_, request(), signer_);
  EXPECT_EQ(outcome.calls, 2);
  EXPECT_EQ(outcome.entries, 6);
  EXPECT_EQ(outcome.entries_by_kind, (std::map<std::string, std::int64_t>{
                                         {"call.recorded", 2}, {"location.conveyed", 2}, {"notification", 2}}));
  EXPECT_EQ(outcome.alert_rows, 2);
  // old: 1-2, 5; old-test: 6-7, 9: runs 1..2, 5..7, 9.
  EXPECT_EQ(outcome.gaps.size(), 3u);
  ASSERT_EQ(outcome.purge_entries.size(), 1u);
  const auto& purge = outcome.purge_entries.front();
  EXPECT_EQ(purge.seq, head->seq + 1);
  EXPECT_EQ(purge.prev_hash, head->hash);
  EXPECT_EQ(purge.kind, "journal.purge");
  EXPECT_EQ(purge.call_id, "");
  EXPECT_EQ(purge.at, kPurgeNow);
  const auto gaps = purge_gaps_of(purge.payload);
  ASSERT_TRUE(gaps.ok());
  EXPECT_EQ(*gaps, outcome.gaps);
  EXPECT_EQ((*gaps)[0].from, 1);
  EXPECT_EQ((*gaps)[0].to, 2);
  EXPECT_EQ((*gaps)[0].prev_hash, std::string(kGenesisHash));
  EXPECT_NE(purge.payload.find(R"("calls":2)"), std::string::npos) << purge.payload;
  EXPECT_NE(purge.payload.find(R"("reason":"retention")"), std::string::npos) << purge.payload;
  EXPECT_NE(purge.payload.find(R"("test":")" + format_rfc3339(kPurgeNow - 90 * kMillisPerDay) + "\""), std::string::npos);

  // What is left: the two recent calls, their entries and alerts, and the purge entry.
  EXPECT_EQ(store_->count(), 12 - 6 + 1);
  EXPECT_EQ(column("SELECT call_id FROM audit_calls"), (std::set<std::string>{"new", "new-test"}));
  EXPECT_EQ(column("SELECT call_id FROM audit_alerts"), (std::set<std::string>{"new", "new-test"}));
  EXPECT_EQ(column("SELECT DISTINCT call_id FROM audit_entries"), (std::set<std::string>{"", "new", "new-test"}));
  EXPECT_EQ(store_->last_entry()->hash, purge.hash);

  auto r = verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.purged, 6);
  EXPECT_EQ(r.entries, 7);
  EXPECT_EQ(r.last_seq, purge.seq);

  // The consumer carries on after the purge entry; a second purge finds nothing.
  ingest_notification("new", 2, kPurgeNow + 1000);
  EXPECT_EQ(store_->last_entry()->seq, purge.seq + 1);
  EXPECT_EQ(store_->last_entry()->prev_hash, purge.hash);
  r = verify();
  EXPECT_TRUE(r.ok) << r.reason;
  const auto again = purge_expired_calls(*store_, request(), signer_);
  EXPECT_EQ(again.calls, 0);
  EXPECT_TRUE(again.purge_entries.empty());
  EXPECT_EQ(store_->count(), 8);

  // Later, the test call expires too: a second purge, and both verify.
  auto later = request();
  later.cutoffs = retention_cutoffs(kPurgeNow + 90 * kMillisPerDay, kDays);
  const auto second = purge_expired_calls(*store_, later, signer_);
  EXPECT_EQ(second.calls, 1);
  EXPECT_EQ(second.entries, 3);
  r = verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.purged, 9);
}

TEST_P(RetentionPurge, KeepsTheJournalAppendOnly) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  build_journal();
  const std::string triggers_sql = postgres()
                                       ? "SELECT tgname || ' ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal"
                                       : "SELECT sql FROM sqlite_master WHERE type = 'trigger'";
  const auto triggers = column(triggers_sql);
  ASSERT_EQ(triggers.size(), postgres() ? 1u : 2u);

  purge_expired_calls(*store_, request(), signer_);
  EXPECT_EQ(column(triggers_sql), triggers);
  // Still refused, through the store's own connection.
  EXPECT_THROW((store_->session() << "DELETE FROM audit_entries WHERE seq = 3", Poco::Data::Keywords::now),
               Poco::Exception);
  EXPECT_EQ(store_->count(), 7);
}

TEST_P(RetentionPurge, DryRunChangesNothing) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  build_journal();
  const auto before = all_entries();
  const auto calls = column("SELECT call_id FROM audit_calls");

  const auto outcome = purge_expired_calls(*store_, request(true), signer_);
  EXPECT_EQ(outcome.calls, 2);
  EXPECT_EQ(outcome.entries, 6);
  EXPECT_EQ(outcome.gaps.size(), 3u);
  EXPECT_TRUE(outcome.purge_entries.empty());

  const auto after = all_entries();
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].hash, before[i].hash);
  EXPECT_EQ(column("SELECT call_id FROM audit_calls"), calls);
}

TEST_P(RetentionPurge, ADeletionOutsideThePurgeStillFails) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  build_journal();
  purge_expired_calls(*store_, request(), signer_);
  // Seq 8 is "new-test"'s notification, which the purge kept.
  ASSERT_EQ(client("SELECT call_id FROM audit_entries WHERE seq = 8"), "new-test");
  if (postgres()) {
    client(
        "ALTER TABLE audit_entries DISABLE TRIGGER ALL; DELETE FROM audit_entries WHERE seq = 8; "
        "ALTER TABLE audit_entries ENABLE TRIGGER ALL;");
  } else {
    client("DROP TRIGGER audit_entries_no_delete; DELETE FROM audit_entries WHERE seq = 8;");
  }
  const auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 8);
  EXPECT_EQ(r.reason, "seq 8 missing: no purge entry covers it");
}

TEST_P(RetentionPurge, AForgedPurgeEntryFailsItsSignature) {
  build_journal();
  // Someone with the database but not the signing key: same key id, another key.
  const auto mallory = test::signer(SigningAlgorithm::es256, "k-2026", 5);
  const auto outcome = purge_expired_calls(*store_, request(), mallory);
  ASSERT_EQ(outcome.purge_entries.size(), 1u);
  const auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, outcome.purge_entries.front().seq);
  EXPECT_EQ(r.reason, "seq 13: signature invalid for key k-2026");
}

TEST_P(RetentionPurge, NothingExpiredWritesNothing) {
  ingest_call("new", "emergency", kPurgeNow - kMillisPerDay);
  const auto outcome = purge_expired_calls(*store_, request(), signer_);
  EXPECT_EQ(outcome.calls, 0);
  EXPECT_TRUE(outcome.purge_entries.empty());
  EXPECT_EQ(store_->count(), 2);
}

}  // namespace
}  // namespace e911::auditor
