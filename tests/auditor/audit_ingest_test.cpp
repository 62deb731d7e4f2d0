// AuditStore::ingest: drafts sealed into the chain and the derived
// per-call rows kept in the same transaction, on SQLite and PostgreSQL.

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/auditor/journal_docs.h"
#include "tests/auditor/row_columns.h"
#include "tests/support/postgres_server.h"

namespace e911::auditor {
namespace {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::now;

using test::Backend;
constexpr EpochMillis kNow = 1795255300000;

std::vector<EntryDraft> call_drafts(const test::CallDoc& d, std::int64_t offset = 0) {
  auto r = drafts_for_emergency_call(test::emergency_call_json(d), {"e911.emergency-calls", 0, offset}, kNow);
  if (!r) throw std::runtime_error(r.error().message);
  return *r;
}

EntryDraft alert_draft(const test::NotificationDoc& d, std::int64_t offset = 0) {
  auto r = draft_for_notification(test::notification_json(d), {"e911.notifications", 0, offset}, kNow);
  if (!r) throw std::runtime_error(r.error().message);
  return *r;
}

// A call document conveying `elin` (none when empty).
std::vector<EntryDraft> call_drafts_with_elin(const std::string& call_id, const std::string& elin,
                                              std::int64_t offset) {
  test::CallDoc d;
  d.call_id = call_id;
  auto json = test::emergency_call_json(d);
  if (!elin.empty()) json.insert(json.find("\"notify\":"), "\"elin\":\"" + elin + "\",");
  auto r = drafts_for_emergency_call(json, {"e911.emergency-calls", 0, offset}, kNow);
  if (!r) throw std::runtime_error(r.error().message);
  return *r;
}

// The drafts of an e911.elin-lookup/v1 record (reaching `call_id`, or no call).
EntryDraft lookup_draft(const std::string& lookup_id, const std::string& call_id, std::int64_t offset) {
  std::string json = R"({"schema":"e911.elin-lookup/v1","lookup_id":")" + lookup_id +
                     R"(","elin":"+15125550190","looked_up_at":"2026-11-21T10:20:00Z","via":"http","by":"pbx",)";
  json += call_id.empty() ? R"("reachable":false})"
                          : R"("reachable":true,"call_id":")" + call_id +
                                R"(","pool":"austin-office","assigned_at":"2026-11-21T10:15:00Z"})";
  auto r = draft_for_elin_lookup(json, {"e911.elin-lookups", 0, offset}, kNow);
  if (!r) throw std::runtime_error(r.error().message);
  return *r;
}

// What migration 4 adds, dropped again (SQL for sqlite3 and psql alike).
constexpr const char* kUndoMigration4 =
    "DROP TABLE audit_registrations; ALTER TABLE audit_calls DROP COLUMN location_validated; ";

// One audit_calls row as column -> text ("" for NULL).
using Row = std::map<std::string, std::string>;

class AuditIngestTest : public test::StoreTest {
 protected:
  void SetUpStore() override {
    store_ = open_audit_store(url_);
  }

  Row call_row(const std::string& call_id) {
    Row row;
    store_->with_connection("test", [&](Poco::Data::Session& s) {
      Poco::Data::Statement stmt(s);
      stmt << store_->sql("SELECT * FROM audit_calls WHERE call_id = ?"), bind(call_id), now;
      Poco::Data::RecordSet rs(stmt);
      if (!rs.moveFirst()) return;
      for (std::size_t c = 0; c < rs.columnCount(); ++c) {
        row[rs.columnName(c)] = rs.value(c).isEmpty() ? "" : rs.value(c).convert<std::string>();
      }
    });
    return row;
  }
  std::int64_t rows_in(const std::string& table) {
    Poco::Int64 n = 0;
    store_->with_connection("test", [&](Poco::Data::Session& s) {
      s << "SELECT COUNT(*) FROM " + table, Poco::Data::Keywords::into(n), now;
    });
    return n;
  }
  VerifyResult verify() { return verify_chain(entries_from(*store_), keyring_); }

  std::unique_ptr<AuditStore> store_;
  Signer signer_ = test::signer(SigningAlgorithm::hs256, "k-1");
  Keyring keyring_ = test::keyring_of(signer_);
};

INSTANTIATE_TEST_SUITE_P(Stores, AuditIngestTest, test::kBothStores, test::backend_name);

TEST_P(AuditIngestTest, SealsDraftsAfterTheLastEntryWithTheOffsetsInOneTransaction) {
  auto drafts = call_drafts({});
  auto sealed = store_->ingest(drafts, {{"auditor", "e911.emergency-calls", 0, 1}}, signer_);
  ASSERT_EQ(sealed.size(), 2u);
  EXPECT_EQ(sealed[0].seq, 1);
  EXPECT_EQ(sealed[0].kind, "call.recorded");
  EXPECT_EQ(sealed[1].kind, "location.conveyed");
  EXPECT_EQ(sealed[1].prev_hash, sealed[0].hash);
  // A second store (another auditor process) continues the same chain.
  auto other = open_audit_store(url_);
  auto more = other->ingest({alert_draft({})}, {{"auditor", "e911.notifications", 0, 1}}, signer_);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].seq, 3);
  EXPECT_EQ(more[0].prev_hash, sealed[1].hash);
  EXPECT_EQ(store_->count(), 3);
  EXPECT_EQ(store_->offsets("auditor"), (std::vector<ConsumedOffset>{{"auditor", "e911.emergency-calls", 0, 1},
                                                                     {"auditor", "e911.notifications", 0, 1}}));
  const auto r = verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 3);
}

TEST_P(AuditIngestTest, TheCallRowSaysWhatWasConveyedAndWhoWasAlerted) {
  test::CallDoc call;
  call.warnings_json = R"(["vpn-registered-address","location-stale"])";
  auto drafts = call_drafts(call);
  test::NotificationDoc sms;  // accepted at 350 ms
  test::NotificationDoc email;
  email.notification_id = "c-1/austin-security/0/email";
  email.channel = "email";
  email.address = "desk@example.com";
  email.status = "retrying";
  email.error = "connect: Connection refused";
  email.latency_ms = 200;
  drafts.push_back(alert_draft(sms));
  drafts.push_back(alert_draft(email));
  store_->ingest(drafts, {}, signer_);

  auto row = call_row("c-1");
  test::expect_columns(row, {{"call_class", "emergency"}, {"dialed", "911"}, {"occurred_at", "1795255200000"},
                             {"site_id", "austin-hq"}, {"caller_name", "Jane Doe"}, {"callback", "+15125550123"},
                             {"location_label", "Austin HQ, Floor 3"}, {"dispatchable", "1"},
                             {"warnings", "vpn-registered-address,location-stale"}, {"routing", "psap"},
                             {"notify_list", "austin-security"}, {"alerts_total", "2"}, {"alerts_delivered", "1"},
                             {"first_alert_latency_ms", "350"}, {"notified", "1"}});
  EXPECT_NE(row["location_address"].find("500 Congress Ave"), std::string::npos) << row["location_address"];
  EXPECT_EQ(row["all_delivered"], "0") << "the e-mail is still being retried";

  // The e-mail gives up; the desk acknowledges the SMS.
  email.status = "failed";
  email.attempt = 4;
  email.latency_ms = 60000;
  sms.status = "acknowledged";
  sms.acknowledged_by = "Austin front desk";
  sms.latency_ms = 41000;
  store_->ingest({alert_draft(email), alert_draft(sms)}, {}, signer_);
  row = call_row("c-1");
  test::expect_columns(row, {{"alerts_total", "2"}, {"alerts_delivered", "1"}, {"alerts_failed", "1"},
                             {"first_alert_latency_ms", "350"}, {"acknowledged_by", "Austin front desk"},
                             {"acknowledged_at", std::to_string(1795255200000 + 41000)}, {"all_delivered", "0"}});
  EXPECT_EQ(rows_in("audit_alerts"), 2);
  EXPECT_TRUE(verify().ok);
}

TEST_P(AuditIngestTest, NotificationsJournaledBeforeTheirCallCompleteTheRowLater) {
  test::NotificationDoc escalated;
  escalated.notification_id = "c-1/austin-security/0/email";
  escalated.channel = "email";
  escalated.status = "escalated";
  escalated.escalated_to = "corporate-soc";
  escalated.latency_ms = 120000;
  test::NotificationDoc sent;  // the SMS, accepted
  // Out of order as well: the later record first.
  store_->ingest({alert_draft(escalated), alert_draft(sent)}, {}, signer_);
  auto row = call_row("c-1");
  EXPECT_EQ(row["call_class"], "");
  EXPECT_EQ(row["notified"], "1");
  EXPECT_EQ(row["alerts_escalated"], "1");

  store_->ingest(call_drafts({}), {}, signer_);
  row = call_row("c-1");
  EXPECT_EQ(row["call_class"], "emergency");
  EXPECT_EQ(row["notified"], "1");
  EXPECT_EQ(row["alerts_total"], "1") << "an escalation record is not a delivery attempt";
  EXPECT_EQ(row["all_delivered"], "1");
}

TEST_P(AuditIngestTest, AlertRecordsMergeWhateverOrderTheyArriveIn) {
  test::NotificationDoc retrying;
  retrying.status = "retrying";
  retrying.latency_ms = 100;
  test::NotificationDoc sent;
  sent.attempt = 2;
  sent.latency_ms = 2100;
  // The later record, then the earlier one, in one batch and then again
  // in separate batches: the same row.
  store_->ingest({alert_draft(sent), alert_draft(retrying)}, {}, signer_);
  std::string status, attempts, delivered;
  store_->with_connection("test", [&](Poco::Data::Session& s) {
    s << "SELECT status, CAST(attempts AS TEXT), CAST(delivered_latency_ms AS TEXT) FROM audit_alerts",
        Poco::Data::Keywords::into(status), Poco::Data::Keywords::into(attempts), Poco::Data::Keywords::into(delivered),
        now;
  });
  EXPECT_EQ(status, "sent");
  EXPECT_EQ(attempts, "2");
  EXPECT_EQ(delivered, "2100");
}

TEST_P(AuditIngestTest, AFailedIngestWritesNothing) {
  store_->ingest(call_drafts({}), {{"auditor", "e911.emergency-calls", 0, 1}}, signer_);
  // A draft whose payload is not ours: refused inside the transaction.
  EntryDraft bad{"notification", "c-2", kNow, R"({"status":"sent"})"};
  EXPECT_THROW(store_->ingest({alert_draft({}), bad}, {{"auditor", "e911.emergency-calls", 0, 9}}, signer_),
               std::runtime_error);
  EXPECT_EQ(store_->count(), 2);
  EXPECT_EQ(rows_in("audit_alerts"), 0);
  EXPECT_EQ(store_->offsets("auditor")[0].next_offset, 1);
  EXPECT_TRUE(verify().ok);
}

TEST_P(AuditIngestTest, ABatchWhoseRecordsAnotherInstanceJournaledIsRefused) {
  // Records 0..4 of partition 0 journaled (by the instance that took it over).
  store_->ingest(call_drafts({}), {{"auditor", "e911.emergency-calls", 0, 5, 0}}, signer_);
  test::CallDoc late;
  late.call_id = "c-late";
  // The old owner's batch of records 3..5, retried after its store failed.
  try {
    store_->ingest(call_drafts(late), {{"auditor", "e911.emergency-calls", 0, 6, 3}}, signer_);
    ADD_FAILURE() << "a batch the journal already has was written";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("journaled already"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store_->count(), 2);
  EXPECT_EQ(store_->offsets("auditor")[0].next_offset, 5);
  // From the stored offset on, and in a partition never stored, it goes in.
  store_->ingest(call_drafts(late), {{"auditor", "e911.emergency-calls", 0, 6, 5},
                                     {"auditor", "e911.emergency-calls", 1, 1, 0}},
                 signer_);
  EXPECT_EQ(store_->count(), 4);
  EXPECT_TRUE(verify().ok);
}

TEST_P(AuditIngestTest, WritersInTwoConnectionsKeepOneChain) {
  auto other = open_audit_store(url_);
  auto write = [&](AuditStore& store, const std::string& prefix) {
    for (int i = 0; i < 20; ++i) {
      test::CallDoc d;
      d.call_id = prefix + std::to_string(i);
      store.ingest(call_drafts(d), {}, signer_);
    }
  };
  std::thread a([&] { write(*store_, "a-"); });
  std::thread b([&] { write(*other, "b-"); });
  a.join();
  b.join();
  EXPECT_EQ(store_->count(), 80);
  EXPECT_EQ(rows_in("audit_calls"), 40);
  const auto r = verify();
  EXPECT_TRUE(r.ok) << r.reason;
}

// One audit record per call: the same emergency call produced twice at
// another offset (a locator that crashed before committing its call event
// resolves it again), or twice in one batch, is journaled once, from its
// first record. The fault campaign found the second copy journaled.
TEST_P(AuditIngestTest, AnEmergencyCallIsJournaledOnceWhateverItsOffset) {
  auto twice = call_drafts_with_elin("c-1", "+15125550190", 0);
  const auto again = call_drafts_with_elin("c-1", "+15125550191", 1);
  twice.insert(twice.end(), again.begin(), again.end());
  auto sealed = store_->ingest(twice, {}, signer_);
  ASSERT_EQ(sealed.size(), 2u);
  EXPECT_EQ(sealed[0].kind, "call.recorded");
  EXPECT_EQ(sealed[1].kind, "location.conveyed");
  sealed = store_->ingest(call_drafts_with_elin("c-1", "+15125550192", 2), {}, signer_);
  EXPECT_TRUE(sealed.empty()) << "journaled already, at another offset";
  sealed = store_->ingest(call_drafts_with_elin("c-2", "", 3), {}, signer_);
  EXPECT_EQ(sealed.size(), 2u) << "another call is journaled";
  EXPECT_EQ(store_->count(), 4);
  EXPECT_EQ(call_row("c-1")["elin"], "+15125550190") << "the first record is the one kept";
  EXPECT_TRUE(verify().ok);
}

}  // namespace
}  // namespace e911::auditor

namespace e911::auditor {
namespace {

// The ELIN conveyed is a column of the call's row; the latest one conveyed
// wins, and a document without one keeps it.
TEST_P(AuditIngestTest, TheCallRowKeepsTheElinConveyed) {
  store_->ingest(call_drafts_with_elin("c-1", "+15125550190", 0), {}, signer_);
  store_->ingest(call_drafts_with_elin("c-2", "", 1), {}, signer_);
  EXPECT_EQ(call_row("c-1")["elin"], "+15125550190");
  EXPECT_EQ(call_row("c-2")["elin"], "");
  // The same call produced again is absorbed (one audit record per call):
  // the row keeps what the call was journaled with.
  store_->ingest(call_drafts_with_elin("c-1", "+15125550191", 2), {}, signer_);
  EXPECT_EQ(call_row("c-1")["elin"], "+15125550190");
  store_->ingest(call_drafts_with_elin("c-1", "", 3), {}, signer_);
  EXPECT_EQ(call_row("c-1")["elin"], "+15125550190");
}

// A journal written before migration 3 (no elin column, no lookup ids):
// opening it adds them and fills each call's ELIN in from its entries.
TEST_P(AuditIngestTest, AJournalFromBeforeTheElinColumnMigratesAndIsBackfilledFromItsEntries) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  store_->ingest(call_drafts_with_elin("c-1", "+15125550190", 0), {}, signer_);
  store_->ingest(call_drafts_with_elin("c-1", "+15125550191", 1), {}, signer_);  // produced twice: absorbed
  store_->ingest(call_drafts_with_elin("c-2", "", 2), {}, signer_);
  store_->ingest(call_drafts_with_elin("c-3", "+15125550192", 3), {}, signer_);
  store_.reset();
  // Back to the schema of version 2, as an older build left it (without
  // migration 4's table and column either).
  client(std::string(kUndoMigration4) +
         (postgres() ? "ALTER TABLE audit_calls DROP COLUMN elin; DROP TABLE audit_elin_lookups; "
                       "UPDATE schema_version SET version = 2"
                     : "DROP INDEX audit_calls_by_elin; ALTER TABLE audit_calls DROP COLUMN elin; "
                       "DROP TABLE audit_elin_lookups; UPDATE schema_version SET version = 2"));
  ASSERT_EQ(client("SELECT version FROM schema_version"), "2");

  store_ = open_audit_store(url_);
  EXPECT_EQ(client("SELECT version FROM schema_version"), "4");
  EXPECT_EQ(call_row("c-1")["elin"], "+15125550190");
  EXPECT_EQ(call_row("c-2")["elin"], "");
  EXPECT_EQ(call_row("c-3")["elin"], "+15125550192");
  EXPECT_EQ(call_row("c-1")["call_class"], "emergency") << "the other columns are untouched";

  // And the journal goes on: new calls and lookups.
  store_->ingest(call_drafts_with_elin("c-4", "+15125550193", 4), {}, signer_);
  store_->ingest({lookup_draft("lk-1", "c-4", 0)}, {}, signer_);
  EXPECT_EQ(call_row("c-4")["elin"], "+15125550193");
  EXPECT_EQ(rows_in("audit_elin_lookups"), 1);
  EXPECT_TRUE(verify().ok);
}

// A lookup_id is journaled once: the same lookup produced twice (another
// offset), or twice in one batch, is one elin.lookup entry.
TEST_P(AuditIngestTest, AnElinLookupIsJournaledOnceWhateverItsOffset) {
  store_->ingest(call_drafts_with_elin("c-1", "+15125550190", 0), {}, signer_);
  auto sealed = store_->ingest({lookup_draft("lk-1", "c-1", 0), lookup_draft("lk-1", "c-1", 1),
                                lookup_draft("lk-2", "", 2)},
                               {}, signer_);
  ASSERT_EQ(sealed.size(), 2u);
  EXPECT_EQ(sealed[0].kind, "elin.lookup");
  EXPECT_EQ(sealed[0].call_id, "c-1");
  EXPECT_EQ(sealed[1].call_id, "") << "it reached no call";
  sealed = store_->ingest({lookup_draft("lk-1", "c-1", 3), lookup_draft("lk-2", "", 4),
                           lookup_draft("lk-3", "c-1", 5)},
                          {}, signer_);
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_NE(sealed[0].payload.find(R"("lookup_id":"lk-3")"), std::string::npos);
  EXPECT_EQ(rows_in("audit_elin_lookups"), 3);
  EXPECT_EQ(store_->count(), 2 + 3);
  // A lookup changes nothing in the call's row; an unreachable one makes none.
  EXPECT_EQ(rows_in("audit_calls"), 1);
  EXPECT_EQ(call_row("c-1")["elin"], "+15125550190");
  EXPECT_TRUE(verify().ok);
}

}  // namespace
}  // namespace e911::auditor
