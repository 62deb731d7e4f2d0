// The notifier's SQLite state: the sent-log absorbs a redelivered call,
// state changes and their records commit together, a call escalates once
// and is acknowledged once, and everything survives reopening the file.

#include "consumers/notifier/notifier_store.h"

#include <gtest/gtest.h>

#include "common/sql/connection.h"
#include "tests/kafka/kafka_test_util.h"
#include "tests/notifier/stored_rows.h"

namespace e911::notifier {
namespace {

using test_rows::a_call;
using test_rows::an_alert;
using test_rows::kNoRecord;
using test_rows::kRecord;

class NotifierStoreTest : public ::testing::Test {
 protected:
  std::string path() const { return dir_.path("notifier.db"); }
  kafka::test::TempDir dir_;
};

TEST_F(NotifierStoreTest, ARedeliveredCallAddsNothing) {
  NotifierStore store(path());
  const std::vector<StoredAlert> alerts{an_alert("n-1"), an_alert("n-2")};
  EXPECT_EQ(store.admit(a_call(), alerts, kRecord).size(), 2u);
  EXPECT_EQ(store.admit(a_call(), alerts, kRecord).size(), 0u);
  EXPECT_EQ(store.outbox_size(), 2u);  // records only for what was new
  // A list grown since: only the new alert is added.
  EXPECT_EQ(store.admit(a_call(), {an_alert("n-1"), an_alert("n-3")}, kNoRecord).size(), 1u);
  EXPECT_EQ(store.counts().pending, 3u);
  EXPECT_EQ(store.counts().calls, 1u);
}

TEST_F(NotifierStoreTest, StateAndRecordsSurviveReopening) {
  {
    NotifierStore store(path());
    store.admit(a_call(), {an_alert("n-1"), an_alert("n-2")}, kNoRecord);
    auto a = an_alert("n-1");
    a.state = AlertState::sent;
    a.attempts = 2;
    a.first_attempt_at = 1001;
    a.provider_id = "SM123";
    a.done_at = 1500;
    store.update_alert(a, {{0, "c-1", "sent-record"}});
  }
  NotifierStore store(path());  // migrations run once: reopening is harmless
  const auto pending = store.pending_alerts();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].notification_id, "n-2");
  const auto all = store.alerts_of("c-1");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].state, AlertState::sent);
  EXPECT_EQ(all[0].attempts, 2);
  EXPECT_EQ(all[0].provider_id, "SM123");
  const auto records = store.unpublished(10);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].value, "sent-record");
  EXPECT_EQ(store.call("c-1")->document, R"({"call_id":"c-1"})");
}

TEST_F(NotifierStoreTest, PublishedRecordsLeaveTheOutboxInOrder) {
  NotifierStore store(path());
  store.admit(a_call(), {an_alert("n-1"), an_alert("n-2"), an_alert("n-3")}, kRecord);
  auto rows = store.unpublished(2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].value, "r-n-1");
  EXPECT_EQ(store.unpublished(10, rows[1].seq).size(), 1u);
  store.remove_published({rows[0].seq, rows[1].seq});
  rows = store.unpublished(10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].value, "r-n-3");
}

TEST_F(NotifierStoreTest, ACallEscalatesOnce) {
  NotifierStore store(path());
  store.admit(a_call(), {an_alert("n-1")}, kNoRecord);
  std::vector<StoredAlert> added;
  EXPECT_TRUE(store.escalate("c-1", "corporate-soc", {an_alert("n-9", "c-1", "corporate-soc")},
                             {{0, "c-1", "escalated"}}, added, kNoRecord));
  EXPECT_EQ(added.size(), 1u);
  EXPECT_EQ(store.call("c-1")->escalated_to, "corporate-soc");
  added.clear();
  EXPECT_FALSE(store.escalate("c-1", "corporate-soc", {an_alert("n-10", "c-1", "corporate-soc")}, {}, added,
                              kNoRecord));
  EXPECT_TRUE(added.empty());
  EXPECT_EQ(store.alerts_of("c-1").size(), 2u);
  EXPECT_TRUE(store.calls_awaiting_ack().empty());  // escalated: nothing more to wait for
}

TEST_F(NotifierStoreTest, TheFirstAcknowledgementWinsAndStopsEscalation) {
  NotifierStore store(path());
  store.admit(a_call(), {an_alert("n-1"), an_alert("n-2")}, kNoRecord);
  ASSERT_EQ(store.calls_awaiting_ack().size(), 1u);
  const auto make = [](const StoredAlert& a) { return OutboxRecord{0, a.call_id, "ack " + a.notification_id}; };
  auto r = store.acknowledge("ack-n-1", 2000, 10000, make);
  EXPECT_EQ(r.kind, AckResult::Kind::acknowledged);
  EXPECT_EQ(r.acknowledged_by, "Desk");
  r = store.acknowledge("ack-n-2", 2100, 10000, make);
  EXPECT_EQ(r.kind, AckResult::Kind::already_acknowledged);
  EXPECT_EQ(r.acknowledged_at, 2000);
  EXPECT_EQ(store.acknowledge("ack-nope", 2100, 10000, make).kind, AckResult::Kind::unknown);
  EXPECT_EQ(store.outbox_size(), 1u);
  EXPECT_TRUE(store.calls_awaiting_ack().empty());
  std::vector<StoredAlert> added;
  EXPECT_FALSE(store.escalate("c-1", "corporate-soc", {an_alert("n-9", "c-1", "corporate-soc")}, {}, added,
                              kNoRecord));
}

TEST_F(NotifierStoreTest, ExpiredLinksAcknowledgeNothing) {
  NotifierStore store(path());
  store.admit(a_call(), {an_alert("n-1")}, kNoRecord);
  const auto make = [](const StoredAlert& a) { return OutboxRecord{0, a.call_id, "ack"}; };
  EXPECT_EQ(store.acknowledge("ack-n-1", 1000 + 5001, 5000, make).kind, AckResult::Kind::expired);
  EXPECT_EQ(store.call("c-1")->acknowledged_at, 0);
  EXPECT_EQ(store.outbox_size(), 0u);
}

TEST_F(NotifierStoreTest, HostileTextIsStoredAsData) {
  NotifierStore store(path());
  auto call = a_call("c-'; DROP TABLE alerts; --");
  auto alert = an_alert("n-1", call.call_id);
  alert.recipient_name = "Robert'); DROP TABLE calls;--";
  store.admit(call, {alert}, kNoRecord);
  EXPECT_EQ(store.alerts_of(call.call_id).at(0).recipient_name, alert.recipient_name);
  EXPECT_EQ(store.counts().calls, 1u);
}

// A notifier.db written before owners and leases (schema version 1, as
// shipped): its pending alert and unpublished record are this instance's
// after the upgrade.
TEST_F(NotifierStoreTest, AStateFromBeforeOwnersKeepsItsWork) {
  {
    auto session = sql::open_sqlite(path(), {});
    using Poco::Data::Keywords::now;
    *session << R"sql(CREATE TABLE calls (call_id TEXT PRIMARY KEY, document TEXT NOT NULL,
      received_at BIGINT NOT NULL, list TEXT NOT NULL, ack_due_at BIGINT NOT NULL DEFAULT 0,
      acknowledged_at BIGINT NOT NULL DEFAULT 0, acknowledged_by TEXT NOT NULL DEFAULT '',
      escalated_to TEXT NOT NULL DEFAULT ''))sql", now;
    *session << R"sql(CREATE TABLE alerts (notification_id TEXT PRIMARY KEY, call_id TEXT NOT NULL,
      list TEXT NOT NULL, recipient_name TEXT NOT NULL, channel TEXT NOT NULL, address TEXT NOT NULL,
      escalation_note TEXT NOT NULL, ack_id TEXT NOT NULL UNIQUE, state TEXT NOT NULL, attempts BIGINT NOT NULL,
      first_attempt_at BIGINT NOT NULL, next_attempt_at BIGINT NOT NULL, last_error TEXT NOT NULL,
      provider_id TEXT NOT NULL, created_at BIGINT NOT NULL, done_at BIGINT NOT NULL))sql", now;
    *session << "CREATE INDEX alerts_by_state ON alerts (state, next_attempt_at)", now;
    *session << "CREATE INDEX alerts_by_call ON alerts (call_id)", now;
    *session << "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value TEXT NOT NULL)",
        now;
    *session << "CREATE TABLE schema_version (version BIGINT NOT NULL)", now;
    *session << "INSERT INTO schema_version (version) VALUES (1)", now;
    *session << "INSERT INTO calls (call_id, document, received_at, list, ack_due_at) "
                "VALUES ('c-1', '{}', 1000, 'london-security', 5000)", now;
    *session << "INSERT INTO alerts VALUES ('n-1', 'c-1', 'london-security', 'Desk', 'sms', '+442079460000', '', "
                "'ack-n-1', 'pending', 1, 1000, 2000, '503', '', 1000, 0)", now;
    *session << "INSERT INTO outbox (key, value) VALUES ('c-1', 'retrying')", now;
  }
  NotifierStore store(path());
  ASSERT_EQ(store.pending_alerts().size(), 1u);
  EXPECT_EQ(store.calls_awaiting_ack().size(), 1u);
  ASSERT_EQ(store.unpublished(10).size(), 1u);
  EXPECT_EQ(store.unpublished(10).at(0).value, "retrying");
  auto alert = store.pending_alerts().at(0);
  alert.state = AlertState::sent;
  EXPECT_TRUE(store.update_alert(alert, {{0, "c-1", "sent"}}));
  EXPECT_EQ(store.counts().sent, 1u);
  EXPECT_EQ(store.outbox_size(), 2u);
  EXPECT_FALSE(store.shared());
}

TEST_F(NotifierStoreTest, AnUnwritablePathIsAClearError) {
  try {
    NotifierStore store("/nonexistent-dir/x/notifier.db");
    FAIL() << "opened";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x/notifier.db"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace e911::notifier
