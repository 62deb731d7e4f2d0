// CRASH TEST (AuditorCrash.*): the whole `e911 auditor` process, SIGKILLed
// while it is journaling a burst (10,000 emergency calls and two
// notifications for each): restarted on the same SQLite journal; or, on a
// PostgreSQL journal, one of two instances in one group killed and never
// restarted, so the other takes its partitions over mid-batch. Every
// record ends up in the journal exactly once (none missing, none doubled)
// and the chain verifies from the first entry to the last: what the
// offsets committed with the entries (not Kafka's), the journal's write
// lock and its fencing by offset guarantee.

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>
#include <map>

#include "common/config.h"
#include "common/kafka/producer.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/kafka/kafka_test_util.h"
#include "tests/support/child_process.h"
#include "tests/support/files.h"
#include "tests/support/postgres_server.h"

namespace e911::auditor {
namespace {

using kafka::test::kDeadline;
using kafka::test::wait_until;

constexpr int kCalls = 10'000;
constexpr int kNotificationsPerCall = 2;
constexpr std::int64_t kRecords = kCalls * (1 + kNotificationsPerCall);
constexpr std::int64_t kEntries = kCalls * (2 + kNotificationsPerCall);

std::string example(const std::string& name) {
  return e911::test::read_file(test::source_dir() + "/schemas/examples/" + name);
}

// `doc` with top-level string members set.
std::string with_fields(const rapidjson::Document& doc, const std::map<std::string, std::string>& fields) {
  rapidjson::Document d;
  d.CopyFrom(doc, d.GetAllocator());
  for (const auto& [name, value] : fields) {
    d[name.c_str()].SetString(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), d.GetAllocator());
  }
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  d.Accept(w);
  return out.GetString();
}

// How the burst is interrupted.
enum class Crash {
  restart,    // one instance, SIGKILLed and started again on the same journal
  two_nodes,  // two instances in one group; one SIGKILLed for good, the other carries on
};

void journal_a_burst_through_a_crash(const std::string& store_url, Crash crash) {
  kafka::test::TempDir dir;
  kafka::EmbeddedBroker broker;
  const Config::Topics topics{"e911.call-events", "e911.location-updates", "e911.emergency-calls",
                              "e911.notifications", "e911.dead-letter", "e911.elin-assignments",
                              "e911.elin-lookups", "e911.location-reminders",
                              "e911.location-sightings"};
  // Four partitions each keeps every partition well under the embedded
  // broker's ~5 MB retention.
  broker.create_topic(topics.emergency_calls, 4);
  broker.create_topic(topics.notifications, 4);
  broker.create_topic(topics.dead_letter, 1);
  const auto props = kafka::test::test_properties(broker);
  const auto group = kafka::test::unique_name("e911-auditor-crash");
  const auto secret = dir.write("signing.secret", test::secret() + "\n");
  dir.write("e911.yaml", test::component_config_yaml(props, dir.path("state")) + "auditor:\n" +
                             "  store: " + store_url + "\n" +
                             "  group_id: " + group + "\n" +
                             "  batch_max: 200\n" +
                             "  signing: {key_id: k-crash, secret: {file: " + secret + "}}\n");

  // The burst is in Kafka before the auditor starts.
  {
    rapidjson::Document call, notification;
    call.Parse(example("emergency-call/contract-minimum.json").c_str());
    notification.Parse(example("notification/sms-delivered.json").c_str());
    kafka::Producer producer(props);
    for (int i = 0; i < kCalls; ++i) {
      const auto id = "crash-" + std::to_string(i);
      producer.produce(topics.emergency_calls, id, with_fields(call, {{"call_id", id}}));
      for (int n = 0; n < kNotificationsPerCall; ++n) {
        producer.produce(topics.notifications, id,
                         with_fields(notification, {{"call_id", id}, {"notification_id", id + "/" + std::to_string(n)}}));
      }
    }
    ASSERT_TRUE(producer.flush(kDeadline));
  }

  const std::vector<std::string> argv{test::e911_binary(), "auditor", "--config", dir.path("e911.yaml")};
  auto auditor = std::make_unique<e911::test::ChildProcess>(argv, dir.path("auditor-1.log"));
  auditor->wait_for("e911 auditor: journal ", kDeadline);
  std::unique_ptr<e911::test::ChildProcess> survivor;
  if (crash == Crash::two_nodes) {
    survivor = std::make_unique<e911::test::ChildProcess>(argv, dir.path("auditor-2.log"));
    survivor->wait_for("e911 auditor: journal ", kDeadline);
  }
  auto store = open_audit_store(store_url);
  std::int64_t at_kill = 0;
  ASSERT_TRUE(wait_until([&] { return store->count() >= kEntries / 5 || !auditor->running(); }))
      << e911::test::read_file(dir.path("auditor-1.log"));
  ASSERT_TRUE(auditor->running()) << e911::test::read_file(dir.path("auditor-1.log"));
  auditor->kill_now();
  at_kill = store->count();
  ASSERT_LE(at_kill, kEntries * 4 / 5) << "ingest finished before it could be interrupted";

  if (crash == Crash::restart) {
    auditor = std::make_unique<e911::test::ChildProcess>(argv, dir.path("auditor-2.log"));
  } else {
    auditor = std::move(survivor);  // takes the dead one's partitions once its session expires
  }
  // Done when the offsets in the journal are past every record.
  ASSERT_TRUE(wait_until(
      [&] {
        std::int64_t consumed = 0;
        for (const auto& o : store->offsets(group)) consumed += o.next_offset;
        return consumed == kRecords || !auditor->running();
      },
      std::chrono::seconds(180)))
      << store->count() << " entries; log:\n"
      << e911::test::read_file(dir.path("auditor-2.log"));
  auditor->stop();
  EXPECT_EQ(auditor->exit_code(), 0) << e911::test::read_file(dir.path("auditor-2.log"));
  std::cout << "[ measure  ] killed with " << at_kill << " of " << kEntries << " entries journaled\n";
  ::testing::Test::RecordProperty("entries_at_kill", static_cast<int>(at_kill));

  // Exactly the expected entries, call by call.
  EXPECT_EQ(store->count(), kEntries);
  std::map<std::string, std::map<std::string, int>> by_call;  // call id -> kind -> entries
  std::map<std::string, int> by_kind;
  store->scan(1, [&](const AuditEntry& e) {
    ++by_call[e.call_id][e.kind];
    ++by_kind[e.kind];
    return true;
  });
  EXPECT_EQ(by_kind["call.recorded"], kCalls);
  EXPECT_EQ(by_kind["location.conveyed"], kCalls);
  EXPECT_EQ(by_kind["notification"], kCalls * kNotificationsPerCall);
  EXPECT_EQ(by_kind.size(), 3u);
  EXPECT_EQ(by_call.size(), static_cast<std::size_t>(kCalls));
  int wrong = 0;
  for (int i = 0; i < kCalls; ++i) {
    const auto id = "crash-" + std::to_string(i);
    const std::map<std::string, int> expected{
        {"call.recorded", 1}, {"location.conveyed", 1}, {"notification", kNotificationsPerCall}};
    if (by_call[id] != expected && ++wrong <= 5) ADD_FAILURE() << id << " does not have exactly its entries";
  }
  EXPECT_EQ(wrong, 0);

  const auto verified = verify_chain(entries_from(*store), test::keyring_of(test::signer(SigningAlgorithm::hs256, "k-crash")));
  EXPECT_TRUE(verified.ok) << verified.reason;
  EXPECT_EQ(verified.entries, kEntries);
}

TEST(AuditorCrash, SigkillMidIngestJournalsEveryRecordExactlyOnce) {
  kafka::test::TempDir dir;
  journal_a_burst_through_a_crash("sqlite:" + dir.path("audit.db"), Crash::restart);
}

// Two auditors on one PostgreSQL journal, one SIGKILLed mid-batch for good.
TEST(AuditorCrash, OneOfTwoAuditorsOnPostgresqlKilledJournalsEveryRecordExactlyOnce) {
  if (e911::test::PostgresServer::bin_dir().empty()) GTEST_SKIP() << "no PostgreSQL server binaries";
  e911::test::PostgresServer server;
  journal_a_burst_through_a_crash(server.url(server.create_database()), Crash::two_nodes);
}

}  // namespace
}  // namespace e911::auditor
