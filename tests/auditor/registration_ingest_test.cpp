// Registrations in the store, on SQLite and PostgreSQL: each journaled
// once (by event_id, a withdrawal by its place on the topic), a row each
// in audit_registrations, each user's last one or a user's history as a
// query (filters, pages, refusals), and migration 4 of a journal an older
// build wrote (the registrations table, and each registered location's
// `validated` filled in from the entries).

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/query/registration_query.h"
#include "consumers/auditor/registration_record.h"
#include "consumers/auditor/store/audit_store.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/auditor/journal_docs.h"

namespace e911::auditor {
namespace {

constexpr EpochMillis kRegNow = 1795255300000;
constexpr EpochMillis kRegDay = 86'400'000;
const std::string kUpdatesTopic = "e911.location-updates";

// A location update of `user` (event `event_id`) registered at `at`.
EntryDraft registration_draft(const std::string& user, const std::string& event_id, EpochMillis at, std::int64_t offset,
                      bool validated = true) {
  const std::string record = R"({"schema":"e911.location-update/v1","event_id":")" + event_id +
                             R"(","occurred_at":")" + format_rfc3339(at) + R"(","user_id":")" + user +
                             R"(","source":"user","validated":)" + (validated ? "true" : "false") +
                             R"(,"address":{"country":"US","state":"TX","city":"Austin","street":"Example Ave",)"
                             R"("house_number":"500","unit":"4B","multi_dwelling":true}})";
  auto r = draft_for_location_update(record, {kUpdatesTopic, 0, offset}, kRegNow);
  if (!r) throw std::runtime_error(r.error().message);
  return *r;
}

EntryDraft withdrawal_draft(const std::string& user, EpochMillis at, std::int64_t offset) {
  auto r = draft_for_withdrawal(user, {kUpdatesTopic, 0, offset}, at, kRegNow);
  if (!r) throw std::runtime_error(r.error().message);
  return *r;
}

std::vector<std::string> users_of(const RegistrationPage& page) {
  std::vector<std::string> out;
  for (const auto& r : page.rows) out.push_back(r.user_id + (r.withdrawn ? "-" : "+") + r.event_id);
  return out;
}

class RegistrationIngestTest : public test::StoreTest {
 protected:
  void SetUpStore() override { store_ = open_audit_store(url_); }

  std::int64_t rows() { return std::stoll(client("SELECT COUNT(*) FROM audit_registrations")); }
  VerifyResult verify() { return verify_chain(entries_from(*store_), keyring_); }
  RegistrationPage query(const RegistrationFilter& filter, PageRequest page = {}) {
    auto r = query_registrations(*store_, filter, page);
    if (!r) throw std::runtime_error(r.error().message);
    return *r;
  }

  std::unique_ptr<AuditStore> store_;
  Signer signer_ = test::signer(SigningAlgorithm::hs256, "k-1");
  Keyring keyring_ = test::keyring_of(signer_);
};

INSTANTIATE_TEST_SUITE_P(Stores, RegistrationIngestTest, test::kBothStores, test::backend_name);

// An update produced twice (another offset, or twice in one batch) is one
// location.registered entry; a withdrawal read again from its own place
// is one too.
TEST_P(RegistrationIngestTest, ARegistrationIsJournaledOnceWhateverItsOffset) {
  auto sealed = store_->ingest({registration_draft("u-1", "lu-1", kRegNow, 0),
                                registration_draft("u-1", "lu-1", kRegNow, 1),
                                registration_draft("u-2", "lu-2", kRegNow, 2), withdrawal_draft("u-2", kRegNow, 3)},
                               {}, signer_);
  ASSERT_EQ(sealed.size(), 3u);
  EXPECT_EQ(sealed[0].kind, "location.registered");
  EXPECT_EQ(sealed[0].call_id, "") << "a registration is on no call's timeline";
  EXPECT_EQ(sealed[2].kind, "location.withdrawn");
  sealed = store_->ingest({registration_draft("u-1", "lu-1", kRegNow, 4), withdrawal_draft("u-2", kRegNow, 3),
                           registration_draft("u-1", "lu-3", kRegNow + kRegDay, 5)},
                          {}, signer_);
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_NE(sealed[0].payload.find(R"("event_id":"lu-3")"), std::string::npos);
  EXPECT_EQ(rows(), 4);
  EXPECT_EQ(store_->count(), 4);
  // A registration changes no call row.
  EXPECT_EQ(client("SELECT COUNT(*) FROM audit_calls"), "0");
  EXPECT_TRUE(verify().ok);
}

// Without a user: each user's latest, by user id; with one: the history.
TEST_P(RegistrationIngestTest, EachUsersLastRegistrationOrOneUsersHistory) {
  store_->ingest({registration_draft("u-b", "b-1", kRegNow - 30 * kRegDay, 0),
                  registration_draft("u-a", "a-1", kRegNow - 20 * kRegDay, 1, false),
                  registration_draft("u-b", "b-2", kRegNow - 2 * kRegDay, 2),
                  registration_draft("u-c", "c-1", kRegNow - 40 * kRegDay, 3),
                  withdrawal_draft("u-c", kRegNow - kRegDay, 4)},
                 {}, signer_);
  EXPECT_EQ(users_of(query({})),
            (std::vector<std::string>{"u-a+a-1", "u-b+b-2", "u-c-" + kUpdatesTopic + "/0/4"}));
  const auto latest = query({});
  EXPECT_EQ(latest.rows[0].validated, std::optional<bool>(false));
  EXPECT_EQ(latest.rows[0].supplied_by, "user");
  EXPECT_EQ(latest.rows[0].country, "US");
  EXPECT_EQ(latest.rows[0].address, "500 Example Ave, Unit 4B, Austin, TX, US");
  EXPECT_EQ(latest.rows[0].dispatchable, std::optional<bool>(true));
  EXPECT_EQ(latest.rows[0].at, kRegNow - 20 * kRegDay);
  EXPECT_EQ(latest.rows[2].validated, std::nullopt) << "a withdrawal says nothing of an address";

  RegistrationFilter b;
  b.user_id = "u-b";
  EXPECT_EQ(users_of(query(b)), (std::vector<std::string>{"u-b+b-1", "u-b+b-2"}));
  b.user_id = "u-nobody";
  EXPECT_TRUE(query(b).rows.empty());

  // As of 10 days ago: u-b had last confirmed 30 days ago, u-c had not
  // withdrawn yet.
  RegistrationFilter as_of;
  as_of.until = kRegNow - 10 * kRegDay;
  EXPECT_EQ(users_of(query(as_of)), (std::vector<std::string>{"u-a+a-1", "u-b+b-1", "u-c+c-1"}));
  // Who confirmed (or withdrew) in the last week.
  RegistrationFilter week;
  week.since = kRegNow - 7 * kRegDay;
  EXPECT_EQ(users_of(query(week)), (std::vector<std::string>{"u-b+b-2", "u-c-" + kUpdatesTopic + "/0/4"}));
}

TEST_P(RegistrationIngestTest, PagesCoverEveryUserOnceInOrder) {
  std::vector<EntryDraft> drafts;
  std::vector<std::string> expected;
  for (int i = 0; i < 25; ++i) {
    const auto user = "u-" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    drafts.push_back(registration_draft(user, user + "-old", kRegNow - kRegDay, 2 * i));
    drafts.push_back(registration_draft(user, user + "-new", kRegNow, 2 * i + 1));
    expected.push_back(user + "+" + user + "-new");
  }
  store_->ingest(drafts, {}, signer_);
  for (const std::size_t limit : {1u, 7u, 25u, 100u}) {
    std::vector<std::string> seen;
    PageRequest page;
    page.limit = limit;
    for (int pages = 0; pages < 100; ++pages) {
      const auto p = query({}, page);
      for (const auto& u : users_of(p)) seen.push_back(u);
      if (p.next_cursor.empty()) break;
      page.cursor = p.next_cursor;
    }
    EXPECT_EQ(seen, expected) << "limit " << limit;
  }
  // A user's history pages the same way.
  RegistrationFilter one;
  one.user_id = "u-03";
  PageRequest first;
  first.limit = 1;
  const auto p1 = query(one, first);
  ASSERT_FALSE(p1.next_cursor.empty());
  first.cursor = p1.next_cursor;
  const auto p2 = query(one, first);
  EXPECT_EQ(users_of(p1), (std::vector<std::string>{"u-03+u-03-old"}));
  EXPECT_EQ(users_of(p2), (std::vector<std::string>{"u-03+u-03-new"}));
  EXPECT_TRUE(p2.next_cursor.empty()) << "the last page points at no empty one";
}

TEST_P(RegistrationIngestTest, BadCursorsLimitsAndRangesAreRefusedNamingTheParameter) {
  const auto error_of = [&](const RegistrationFilter& f, PageRequest p) {
    const auto r = query_registrations(*store_, f, p);
    return r ? std::string() : r.error().message;
  };
  PageRequest page;
  for (const std::string cursor : {"not-base64!", "dDoxOmM" /* a call cursor */, "cjowOnU" /* seq 0 */,
                                   "cjowMTp1" /* r:01:u */}) {
    page.cursor = cursor;
    EXPECT_EQ(error_of({}, page), "cursor: not a cursor this service issued") << cursor;
  }
  page = {};
  page.limit = 0;
  EXPECT_EQ(error_of({}, page), "limit: expected 1 to 1000, got 0");
  RegistrationFilter backwards;
  backwards.since = kRegNow;
  backwards.until = kRegNow;
  EXPECT_EQ(error_of(backwards, {}), "until: must be after since");
  // Hostile values are data.
  RegistrationFilter hostile;
  hostile.user_id = "u-1' OR '1'='1";
  EXPECT_EQ(error_of(hostile, {}), "");
  EXPECT_TRUE(query(hostile).rows.empty());
}

// A journal written before migration 4: opening it adds the registrations
// table and fills in, for the calls it has, whether the registered
// location conveyed was validated (a locator newer than the auditor may
// have written it already).
TEST_P(RegistrationIngestTest, AJournalFromBeforeRegistrationsMigratesAndItsCallsSayWhetherValidated) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  const auto call = [&](const std::string& id, const char* validated, std::int64_t offset) {
    test::CallDoc d;
    d.call_id = id;
    auto json = test::emergency_call_json(d);
    if (validated != nullptr) {
      json.replace(json.find(R"("source":"subnet")"), 17, R"("source":"registered")");
      json.insert(json.find(R"("dispatchable":)"), std::string(R"("validated":)") + validated + ",");
    }
    auto drafts = drafts_for_emergency_call(json, {"e911.emergency-calls", 0, offset}, kRegNow);
    if (!drafts) throw std::runtime_error(drafts.error().message);
    store_->ingest(*drafts, {}, signer_);
  };
  call("c-yes", "true", 0);
  call("c-no", "false", 1);
  call("c-subnet", nullptr, 2);
  ASSERT_EQ(client("SELECT location_validated FROM audit_calls WHERE call_id = 'c-yes'"), "1");
  store_.reset();
  client("DROP TABLE audit_registrations; ALTER TABLE audit_calls DROP COLUMN location_validated; "
         "UPDATE schema_version SET version = 3");

  store_ = open_audit_store(url_);
  EXPECT_EQ(client("SELECT version FROM schema_version"), "4");
  const auto validated = [&](const std::string& id) {
    const auto detail = call_detail(*store_, id);
    return detail ? detail->call.location_validated : std::nullopt;
  };
  EXPECT_EQ(validated("c-yes"), std::optional<bool>(true));
  EXPECT_EQ(validated("c-no"), std::optional<bool>(false));
  EXPECT_EQ(validated("c-subnet"), std::nullopt);
  // And the journal goes on, registrations included.
  store_->ingest({registration_draft("u-1", "lu-1", kRegNow, 0)}, {}, signer_);
  EXPECT_EQ(rows(), 1);
  EXPECT_TRUE(verify().ok);
}

}  // namespace
}  // namespace e911::auditor
