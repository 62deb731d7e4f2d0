// The auditor as a Kafka service through the embedded broker, against
// SQLite and a real PostgreSQL: every record journaled exactly once with a
// chain that verifies, the derived per-call rows, restarts resuming from
// the journal's own offsets whatever Kafka has committed, bad records
// dead-lettered without blocking the partition, and a failing store
// retried without acknowledging anything.

#include "consumers/auditor/auditor_service.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "common/service/background_service.h"
#include "common/kafka/producer.h"
#include "common/kafka/topic_reader.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/query/registration_query.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/kafka/kafka_test_util.h"
#include "tests/observability/log_capture.h"
#include "tests/support/files.h"
#include "tests/support/postgres_server.h"

namespace e911::auditor {
namespace {

using kafka::test::kDeadline;
using kafka::test::wait_until;
using namespace Poco::Data::Keywords;

using test::Backend;

std::string example(const std::string& name) {
  return e911::test::read_file(test::source_dir() + "/schemas/examples/" + name);
}

// `json` with its top-level string `field` set to `value` (added when absent).
std::string with_field(const std::string& json, const char* field, const std::string& value) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  rapidjson::Value v(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), d.GetAllocator());
  if (const auto it = d.FindMember(field); it != d.MemberEnd()) {
    it->value = v;
  } else {
    d.AddMember(rapidjson::StringRef(field), v, d.GetAllocator());
  }
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  d.Accept(w);
  return out.GetString();
}

// The examples' calls (by call id) and notifications (with their call id).
const std::vector<std::pair<std::string, std::string>>& example_calls() {
  static const std::vector<std::pair<std::string, std::string>> calls = {
      {"c-1", example("emergency-call/contract-minimum.json")},
      {"c-300", example("emergency-call/endpoint-geo-test-call.json")},
      {"c-6", example("emergency-call/no-location-ecrc-nulls.json")},
      {"c-8", example("emergency-call/registered-missing-unit.json")},
      {"c-5", example("emergency-call/registered-remote-vpn.json")},
      {"c-3", example("emergency-call/switch-port-full.json")},
  };
  return calls;
}
const std::vector<std::pair<std::string, std::string>>& example_notifications() {
  static const std::vector<std::pair<std::string, std::string>> records = {
      {"c-1", example("notification/email-sent.json")},    {"c-1", example("notification/outbox-minimal.json")},
      {"c-1", example("notification/sms-delivered.json")}, {"c-6", example("notification/webhook-retrying.json")},
      {"c-6", example("notification/webhook-failed.json")}, {"c-4", example("notification/escalated.json")},
      {"c-9", example("notification/acknowledged.json")},
  };
  return records;
}

using EntryCounts = std::map<std::pair<std::string, std::string>, int>;  // (kind, call id) -> entries

EntryCounts count_entries(AuditStore& store) {
  EntryCounts counts;
  store.scan(1, [&](const AuditEntry& e) {
    ++counts[{e.kind, e.call_id}];
    return true;
  });
  return counts;
}

// One call.recorded and one location.conveyed per call, one notification
// entry per record.
EntryCounts expected_example_counts() {
  EntryCounts counts;
  for (const auto& [id, json] : example_calls()) {
    counts[{"call.recorded", id}] = 1;
    counts[{"location.conveyed", id}] = 1;
  }
  for (const auto& [id, json] : example_notifications()) ++counts[{"notification", id}];
  return counts;
}

// What the derived row of a call says (audit_calls), read with plain SQL.
struct CallFigures {
  bool found = false;
  std::string call_class;
  int alerts_total = 0, alerts_delivered = 0, alerts_failed = 0, notified = 0, all_delivered = 0;
};

CallFigures call_figures(AuditStore& store, const std::string& call_id) {
  CallFigures f;
  store.with_connection("test: read audit_calls", [&](Poco::Data::Session& session) {
    Poco::Nullable<std::string> call_class;
    std::string id = call_id;
    Poco::Data::Statement select(session);
    select << store.sql("SELECT call_class, alerts_total, alerts_delivered, alerts_failed, notified, all_delivered "
                        "FROM audit_calls WHERE call_id = ?"),
        into(call_class), into(f.alerts_total), into(f.alerts_delivered), into(f.alerts_failed), into(f.notified),
        into(f.all_delivered), use(id);
    f.found = select.execute() == 1;
    if (!call_class.isNull()) f.call_class = call_class.value();
  });
  return f;
}

// A store that fails on demand, around a real one: the database down
// (`down`: every call throws), or a commit whose acknowledgement is lost
// (`lose_next_commit_ack`: ingest commits, then throws).
struct StoreFaults {
  std::atomic<bool> down{false};
  std::atomic<bool> lose_next_commit_ack{false};
  std::atomic<int> opened{0};
};

class FaultyStore : public AuditStore {
 public:
  FaultyStore(std::unique_ptr<AuditStore> inner, std::shared_ptr<StoreFaults> faults)
      : inner_(std::move(inner)), faults_(std::move(faults)) {}
  void append(const std::vector<AuditEntry>& entries, const std::vector<ConsumedOffset>& offsets) override {
    check();
    inner_->append(entries, offsets);
  }
  std::vector<AuditEntry> ingest(const std::vector<EntryDraft>& drafts, const std::vector<ConsumedOffset>& offsets,
                                 const Signer& signer) override {
    check();
    auto sealed = inner_->ingest(drafts, offsets, signer);
    if (faults_->lose_next_commit_ack.exchange(false)) throw std::runtime_error("test: connection lost after COMMIT");
    return sealed;
  }
  void with_connection(const char* op, const std::function<void(Poco::Data::Session&)>& fn) override {
    check();
    inner_->with_connection(op, fn);
  }
  void in_write_transaction(const char* op, const std::function<void(Poco::Data::Session&)>& fn) override {
    check();
    inner_->in_write_transaction(op, fn);
  }
  std::string sql(std::string_view statement) const override { return inner_->sql(statement); }
  bool is_postgresql() const override { return inner_->is_postgresql(); }
  std::optional<AuditEntry> last_entry() override {
    check();
    return inner_->last_entry();
  }
  std::vector<ConsumedOffset> offsets(const std::string& group) override {
    check();
    return inner_->offsets(group);
  }
  void scan(std::int64_t from_seq, const std::function<bool(const AuditEntry&)>& each) override {
    check();
    inner_->scan(from_seq, each);
  }
  std::int64_t count() override {
    check();
    return inner_->count();
  }
  const std::string& name() const override { return inner_->name(); }
  Poco::Data::Session& session() override { return inner_->session(); }

 private:
  void check() const {
    if (faults_->down.load()) throw std::runtime_error("test: the database is down");
  }
  std::unique_ptr<AuditStore> inner_;
  std::shared_ptr<StoreFaults> faults_;
};

class AuditorServiceTest : public test::StoreTest {
 protected:
  void SetUpStore() override {
    broker_.create_topic(topics_.emergency_calls, 3);
    broker_.create_topic(topics_.notifications, 2);
    broker_.create_topic(topics_.dead_letter, 1);
    props_ = kafka::test::test_properties(broker_);
    producer_ = std::make_unique<kafka::Producer>(props_);
    reader_ = open_audit_store(url_);
  }
  void TearDown() override { stop_service(); }

  AuditorServiceOptions options() const {
    AuditorServiceOptions o;
    o.kafka = props_;
    o.topics = topics_;
    o.group_id = group_;
    o.batch_max = 4;  // several batches even for a handful of records
    o.store_retry.initial_delay = std::chrono::milliseconds(10);
    o.store_retry.max_delay = std::chrono::milliseconds(100);
    return o;
  }

  void start_service(AuditStoreOpener opener = {}, AuditorServiceOptions o = {}) {
    if (!opener) opener = store_opener(url_);
    if (o.topics.emergency_calls.empty()) o = options();
    service_ = std::make_unique<AuditorService>(std::move(o), std::move(opener), signer_, metrics_);
    run_ = std::make_unique<service::BackgroundService>(*service_);
    ASSERT_TRUE(wait_until([&] { return service_->started(); })) << run_->error();
  }
  // The service over a FaultyStore driven by `faults`.
  void start_faulty_service(const std::shared_ptr<StoreFaults>& faults) {
    start_service([url = url_, faults]() -> std::unique_ptr<AuditStore> {
      // libpq's words for a server that is not there.
      if (faults->down.load()) throw std::runtime_error("test: connection to server at \"127.0.0.1\" failed: Connection refused");
      ++faults->opened;
      return std::make_unique<FaultyStore>(open_audit_store(url), faults);
    });
  }

  void stop_service() {
    if (!run_) return;
    run_->stop();
    EXPECT_EQ(run_->error(), "");
    run_.reset();
  }

  void produce(const std::string& topic, const std::string& key, const std::string& value) {
    producer_->produce(topic, key, value);
  }
  void flush() { ASSERT_TRUE(producer_->flush(kDeadline)); }
  // Every example call and notification, keyed by call id. Returns how
  // many records.
  std::size_t produce_examples() {
    for (const auto& [id, json] : example_calls()) produce(topics_.emergency_calls, id, json);
    for (const auto& [id, json] : example_notifications()) produce(topics_.notifications, id, json);
    flush();
    return example_calls().size() + example_notifications().size();
  }
  static std::int64_t example_entries() {
    return static_cast<std::int64_t>(2 * example_calls().size() + example_notifications().size());
  }

  bool journaled(std::int64_t entries) {
    return wait_until([&] { return reader_->count() >= entries; }) && reader_->count() == entries;
  }

  VerifyResult verify() { return verify_chain(entries_from(*reader_), keyring_); }

  // The dead letters on the topic, parsed.
  std::vector<rapidjson::Document> dead_letters() {
    std::vector<rapidjson::Document> out;
    kafka::read_to_end(props_, topics_.dead_letter, [&](const kafka::Message& m) {
      rapidjson::Document d;
      d.Parse(m.value.data(), m.value.size());
      out.push_back(std::move(d));
    });
    return out;
  }

  // Overwrites the group's committed offsets in Kafka with
  // offset_of(high watermark) for every partition of both topics, as a
  // member of the group (the embedded broker takes commits from members
  // only; the auditor is stopped, so this one gets every partition).
  void commit_kafka_offsets(const std::function<std::int64_t(std::int64_t high)>& offset_of) {
    auto props = kafka::for_client(props_, kafka::ClientKind::consumer);
    props["group.id"] = group_;
    props["enable.auto.commit"] = "false";
    props["enable.auto.offset.store"] = "false";
    const auto conf = kafka::make_conf(props);
    std::string error;
    std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
    ASSERT_TRUE(consumer) << error;
    ASSERT_EQ(consumer->subscribe({topics_.emergency_calls, topics_.notifications}), RdKafka::ERR_NO_ERROR);
    ASSERT_TRUE(wait_until([&] {
      std::unique_ptr<RdKafka::Message> m(consumer->consume(50));
      std::vector<RdKafka::TopicPartition*> assigned;
      consumer->assignment(assigned);
      const auto n = assigned.size();
      RdKafka::TopicPartition::destroy(assigned);
      return n == 5;
    }));
    std::vector<RdKafka::TopicPartition*> parts;
    for (const auto& [topic, n] : {std::pair{topics_.emergency_calls, 3}, std::pair{topics_.notifications, 2}}) {
      for (int p = 0; p < n; ++p) {
        std::int64_t low = 0, high = 0;
        ASSERT_EQ(consumer->query_watermark_offsets(topic, p, &low, &high, 10000), RdKafka::ERR_NO_ERROR);
        parts.push_back(RdKafka::TopicPartition::create(topic, p, offset_of(high)));
      }
    }
    EXPECT_EQ(consumer->commitSync(parts), RdKafka::ERR_NO_ERROR);
    // Read back: Kafka now says what we committed.
    std::vector<std::int64_t> wanted;
    for (auto* tp : parts) wanted.push_back(tp->offset());
    EXPECT_EQ(consumer->committed(parts, 10000), RdKafka::ERR_NO_ERROR);
    for (std::size_t i = 0; i < parts.size(); ++i) EXPECT_EQ(parts[i]->offset(), wanted[i]);
    RdKafka::TopicPartition::destroy(parts);
    consumer->close();
  }

  kafka::EmbeddedBroker broker_;
  Config::Topics topics_ = Config().topics();  // e911.call-events, ...
  std::string group_ = kafka::test::unique_name("e911-auditor");
  kafka::Properties props_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<AuditStore> reader_;  // the test's own connection
  Signer signer_ = test::signer(SigningAlgorithm::hs256, "k-test");
  Keyring keyring_ = test::keyring_of(signer_);
  observability::MetricsRegistry metrics_;
  std::unique_ptr<AuditorService> service_;
  std::unique_ptr<service::BackgroundService> run_;  // runs service_
};

INSTANTIATE_TEST_SUITE_P(Stores, AuditorServiceTest, test::kBothStores, test::backend_name);

TEST_P(AuditorServiceTest, JournalsEveryRecordOnceWithAChainThatVerifies) {
  start_service();
  const auto records = produce_examples();
  ASSERT_TRUE(journaled(example_entries())) << reader_->count();
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == records; }));

  EXPECT_EQ(count_entries(*reader_), expected_example_counts());

  const auto v = verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.entries, example_entries());
  EXPECT_EQ(service_->stats().last_seq, example_entries());
  EXPECT_EQ(service_->stats().entries_written, static_cast<std::uint64_t>(example_entries()));
  EXPECT_EQ(service_->stats().dead_letters, 0u);
  EXPECT_GE(service_->stats().batches, 4u);  // batch_max 4

  // The stored offsets are past every record: 6 calls over 3 partitions, 7
  // notifications over 2.
  std::int64_t calls = 0, notifications = 0;
  for (const auto& o : reader_->offsets(group_)) {
    (o.topic == topics_.emergency_calls ? calls : notifications) += o.next_offset;
  }
  EXPECT_EQ(calls, 6);
  EXPECT_EQ(notifications, 7);

  // The derived rows: c-1's three alerts were all accepted; c-6's one alert
  // (retried, then failed) was not; c-4 has notifications but no call yet.
  const auto c1 = call_figures(*reader_, "c-1");
  ASSERT_TRUE(c1.found);
  EXPECT_EQ(c1.call_class, "emergency");
  EXPECT_EQ(c1.alerts_total, 3);
  EXPECT_EQ(c1.alerts_delivered, 3);
  EXPECT_EQ(c1.notified, 1);
  EXPECT_EQ(c1.all_delivered, 1);
  const auto c6 = call_figures(*reader_, "c-6");
  ASSERT_TRUE(c6.found);
  EXPECT_EQ(c6.alerts_total, 1);
  EXPECT_EQ(c6.alerts_delivered, 0);
  EXPECT_EQ(c6.alerts_failed, 1);
  EXPECT_EQ(c6.notified, 0);
  EXPECT_EQ(c6.all_delivered, 0);
  const auto c300 = call_figures(*reader_, "c-300");
  ASSERT_TRUE(c300.found);
  EXPECT_EQ(c300.call_class, "test");
  EXPECT_EQ(c300.notified, 0);
  const auto c4 = call_figures(*reader_, "c-4");
  ASSERT_TRUE(c4.found);
  EXPECT_EQ(c4.call_class, "");
  // A registered location conveyed says whether it was validated.
  const auto validated = [&](const std::string& id) {
    const auto d = call_detail(*reader_, id);
    return d ? d->call.location_validated : std::nullopt;
  };
  EXPECT_EQ(validated("c-5"), std::optional<bool>(true));
  EXPECT_EQ(validated("c-8"), std::optional<bool>(false));
  EXPECT_EQ(validated("c-3"), std::nullopt) << "a switch port says nothing of it";

  // The metrics say the same.
  const auto scrape = metrics_.scrape_text();
  for (const char* line : {"e911_auditor_records_consumed_total{topic=\"e911.emergency-calls\"} 6",
                           "e911_auditor_records_consumed_total{topic=\"e911.notifications\"} 7",
                           "e911_auditor_entries_written_total{kind=\"call.recorded\"} 6",
                           "e911_auditor_entries_written_total{kind=\"location.conveyed\"} 6",
                           "e911_auditor_entries_written_total{kind=\"notification\"} 7",
                           "e911_auditor_journal_last_seq 19", "e911_auditor_store_errors_total 0",
                           "e911_auditor_ingest_duration_seconds_count",
                           // The test creates no lookups or location-updates
                           // topic (the embedded broker makes an empty one on
                           // subscription): their series are there, at 0.
                           "e911_auditor_records_consumed_total{topic=\"e911.elin-lookups\"} 0",
                           "e911_auditor_dead_letters_total{topic=\"e911.elin-lookups\"} 0",
                           "e911_auditor_entries_written_total{kind=\"elin.lookup\"} 0",
                           "e911_auditor_records_consumed_total{topic=\"e911.location-updates\"} 0",
                           "e911_auditor_dead_letters_total{topic=\"e911.location-updates\"} 0",
                           "e911_auditor_entries_written_total{kind=\"location.registered\"} 0",
                           "e911_auditor_entries_written_total{kind=\"location.withdrawn\"} 0"}) {
    EXPECT_NE(scrape.find(line), std::string::npos) << line << "\n" << scrape;
  }
  EXPECT_TRUE(service_->health().live);
}

// e911.elin-lookups: each lookup journaled once as elin.lookup, on the
// timeline of the call it reached (or of none), a bad one dead-lettered,
// and a lookup produced twice journaled once, across a restart too.
TEST_P(AuditorServiceTest, JournalsEachElinLookupOnceOnTheCallItReached) {
  broker_.create_topic(topics_.elin_lookups, 2);
  start_service();
  // The call the ELIN was conveyed with (c-2001, as the lookup example says).
  produce(topics_.emergency_calls, "c-2001",
          with_field(with_field(example("emergency-call/contract-minimum.json"), "call_id", "c-2001"), "elin",
                     "+15125550190"));
  const auto reachable = example("elin-lookup/reachable.json");
  produce(topics_.elin_lookups, "+15125550190", reachable);
  produce(topics_.elin_lookups, "+15125550193", example("elin-lookup/nobody.json"));
  produce(topics_.elin_lookups, "+15125550180", example("elin-lookup/as-of.json"));
  produce(topics_.elin_lookups, "+15125550190", reachable);  // the same lookup produced again
  produce(topics_.elin_lookups, "5125550190", with_field(reachable, "elin", "5125550190"));
  flush();
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == 6; })) << service_->stats().records_acked;
  EXPECT_EQ(reader_->count(), 2 + 3);
  EXPECT_EQ(service_->stats().dead_letters, 1u);

  EntryCounts expected{{{"call.recorded", "c-2001"}, 1},
                       {{"location.conveyed", "c-2001"}, 1},
                       {{"elin.lookup", "c-2001"}, 1},
                       {{"elin.lookup", "c-2002"}, 1},
                       {{"elin.lookup", ""}, 1}};
  EXPECT_EQ(count_entries(*reader_), expected);
  const auto v = verify();
  EXPECT_TRUE(v.ok) << v.reason;

  // The call conveyed the ELIN, and its timeline holds the lookup.
  CallFilter by_elin;
  by_elin.elin = "+15125550190";
  const auto page = query_calls(*reader_, by_elin, {});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->calls.size(), 1u);
  EXPECT_EQ(page->calls[0].call_id, "c-2001");
  const auto detail = call_detail(*reader_, "c-2001");
  ASSERT_TRUE(detail);
  ASSERT_EQ(detail->entries.size(), 3u);  // in seq order: the lookup may have been journaled before the call
  const auto lookup = std::find_if(detail->entries.begin(), detail->entries.end(),
                                   [](const AuditEntry& e) { return e.kind == "elin.lookup"; });
  ASSERT_NE(lookup, detail->entries.end());
  EXPECT_NE(lookup->payload.find(R"("lookup_id":"lk-7f3a9c2e")"), std::string::npos);

  const auto dead = dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(std::string(dead[0]["reason"].GetString()), "elin: not an E.164 number (must start with +): \"5125550190\"");

  const auto scrape = metrics_.scrape_text();
  for (const char* line : {"e911_auditor_records_consumed_total{topic=\"e911.elin-lookups\"} 5",
                           "e911_auditor_dead_letters_total{topic=\"e911.elin-lookups\"} 1",
                           "e911_auditor_entries_written_total{kind=\"elin.lookup\"} 3"}) {
    EXPECT_NE(scrape.find(line), std::string::npos) << line << "\n" << scrape;
  }

  // Restarted, it reads on from the journal's offsets: the lookup produced
  // once more is still journaled once, a new one is journaled.
  stop_service();
  produce(topics_.elin_lookups, "+15125550190", reachable);
  produce(topics_.elin_lookups, "+15125550190", with_field(reachable, "lookup_id", "lk-new"));
  flush();
  start_service();
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == 2; })) << service_->stats().records_acked;
  EXPECT_EQ(service_->stats().records, 2u) << "nothing journaled before is read again";
  ++expected[{"elin.lookup", "c-2001"}];
  EXPECT_EQ(count_entries(*reader_), expected);
  std::int64_t lookups = 0;
  for (const auto& o : reader_->offsets(group_)) {
    if (o.topic == topics_.elin_lookups) lookups += o.next_offset;
  }
  EXPECT_EQ(lookups, 7) << "every lookup record's offset is journaled, the duplicates' and the dead letter's too";
}

// e911.location-updates: each update journaled once as location.registered
// (a row per registration: each user's last one is a query), a tombstone
// as location.withdrawn, a bad update dead-lettered with its reason (which
// the log gets without the address value it quotes), across a restart.
TEST_P(AuditorServiceTest, JournalsEachRegistrationOnceAndATombstoneAsAWithdrawal) {
  test::LogCapture logs(LogLevel::debug);
  broker_.create_topic(topics_.location_updates, 2);
  start_service();
  const auto& topic = topics_.location_updates;
  const auto home = example("location-update/home-multi-dwelling.json");  // u-7002, lu-1, validated
  auto texas = home;
  texas.replace(texas.find(R"("country": "US")"), 15, R"("country": "Texas")");
  produce(topic, "u-7002", home);
  produce(topic, "u-1", example("location-update/minimal.json"));  // lu-100, not validated
  produce(topic, "u-7002", home);                                   // the same update produced again
  produce(topic, "u-7002",
          with_field(with_field(home, "event_id", "lu-2"), "occurred_at", "2026-11-22T09:00:00Z"));  // confirmed again
  producer_->produce_tombstone(topic, "u-1");                       // u-1 withdraws
  produce(topic, "u-9", with_field(texas, "user_id", "u-9"));
  flush();
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == 6; })) << service_->stats().records_acked;
  EXPECT_EQ(service_->stats().dead_letters, 1u);
  EntryCounts expected{{{"location.registered", ""}, 3}, {{"location.withdrawn", ""}, 1}};
  EXPECT_EQ(count_entries(*reader_), expected);
  const auto v = verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.entries, 4);

  // Each user's last: u-1 withdrew, u-7002 confirmed on the 22nd.
  auto latest = query_registrations(*reader_, {}, {});
  ASSERT_TRUE(latest.ok()) << latest.error().message;
  ASSERT_EQ(latest->rows.size(), 2u);
  EXPECT_EQ(latest->rows[0].user_id, "u-1");
  EXPECT_TRUE(latest->rows[0].withdrawn);
  EXPECT_TRUE(latest->rows[0].event_id.starts_with(topic + "/")) << latest->rows[0].event_id;  // its record
  EXPECT_EQ(latest->rows[1].user_id, "u-7002");
  EXPECT_FALSE(latest->rows[1].withdrawn);
  EXPECT_EQ(latest->rows[1].event_id, "lu-2");
  EXPECT_EQ(format_rfc3339(latest->rows[1].at), "2026-11-22T09:00:00.000Z");
  EXPECT_EQ(latest->rows[1].validated, std::optional<bool>(true));
  EXPECT_EQ(latest->rows[1].dispatchable, std::optional<bool>(true));
  EXPECT_EQ(latest->rows[1].address, "500 Example Ave, Unit 4B, Austin, TX 78701, US");
  RegistrationFilter u1;
  u1.user_id = "u-1";
  auto history = query_registrations(*reader_, u1, {});
  ASSERT_TRUE(history.ok()) << history.error().message;
  ASSERT_EQ(history->rows.size(), 2u);
  EXPECT_EQ(history->rows[0].event_id, "lu-100");
  EXPECT_EQ(history->rows[0].validated, std::optional<bool>(false));
  EXPECT_TRUE(history->rows[1].withdrawn);

  const auto dead = dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(std::string(dead[0]["reason"].GetString()), R"(address.country: not an ISO 3166-1 alpha-2 code: "Texas")");
  const auto scrape = metrics_.scrape_text();
  for (const char* line : {"e911_auditor_records_consumed_total{topic=\"e911.location-updates\"} 6",
                           "e911_auditor_dead_letters_total{topic=\"e911.location-updates\"} 1",
                           "e911_auditor_entries_written_total{kind=\"location.registered\"} 3",
                           "e911_auditor_entries_written_total{kind=\"location.withdrawn\"} 1"}) {
    EXPECT_NE(scrape.find(line), std::string::npos) << line << "\n" << scrape;
  }
  EXPECT_EQ(scrape.find("Example Ave"), std::string::npos) << "no address in a metric";

  // Restarted, it reads on from the journal's offsets: the update produced
  // once more is still journaled once, a tombstone for u-7002 withdraws.
  stop_service();
  produce(topic, "u-7002", home);
  producer_->produce_tombstone(topic, "u-7002");
  flush();
  start_service();
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == 2; })) << service_->stats().records_acked;
  EXPECT_EQ(service_->stats().records, 2u) << "nothing journaled before is read again";
  expected[{"location.withdrawn", ""}] = 2;
  EXPECT_EQ(count_entries(*reader_), expected);
  latest = query_registrations(*reader_, {}, {});
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->rows.size(), 2u);
  EXPECT_TRUE(latest->rows[1].withdrawn) << "u-7002's last act is the withdrawal";
  EXPECT_TRUE(verify().ok);
  std::int64_t updates = 0;
  for (const auto& o : reader_->offsets(group_)) {
    if (o.topic == topic) updates += o.next_offset;
  }
  EXPECT_EQ(updates, 8) << "every record's offset is journaled, the duplicates' and the dead letter's too";

  // No log line holds a part of an address, the dead letter's included.
  stop_service();
  for (const auto& line : logs.lines()) {
    for (const char* part : {"Example Ave", "Texas", "78701", "Austin"}) {
      EXPECT_EQ(line.find(part), std::string::npos) << line;
    }
  }
}

TEST_P(AuditorServiceTest, VerifiesTheJournalItWritesWhileItRuns) {
  auto o = options();
  o.chain_watch = {std::chrono::seconds(3600), keyring_};  // the first at start, the next in an hour
  start_service({}, o);
  ASSERT_TRUE(wait_until([&] {
    return metrics_.scrape_text().find("e911_auditor_chain_verifications_total{result=\"verified\"} 1") !=
           std::string::npos;
  }));
  EXPECT_NE(metrics_.scrape_text().find("e911_auditor_chain_broken 0"), std::string::npos);
  // It stops with the service, without waiting out the interval.
  stop_service();
}

TEST_P(AuditorServiceTest, RestartResumesFromTheJournalsOffsetsWhateverKafkaCommitted) {
  start_service();
  produce_examples();
  ASSERT_TRUE(journaled(example_entries()));
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == 13; }));
  stop_service();

  // Kafka forgets that anything was consumed: the group's committed
  // offsets go back to 0. New records follow every earlier one in the same
  // partitions (same keys): by the time they are journaled, a restart that
  // believed Kafka would have journaled the earlier ones a second time.
  commit_kafka_offsets([](std::int64_t) { return 0; });
  for (const auto& [id, json] : example_calls()) {
    produce(topics_.emergency_calls, id, with_field(json, "call_id", id + "-again"));
  }
  int n = 0;
  for (const auto& [id, json] : example_notifications()) {
    produce(topics_.notifications, id,
            with_field(with_field(json, "call_id", id + "-again"), "notification_id", "again-" + std::to_string(n++)));
  }
  flush();
  start_service();
  const auto second = 2 * example_entries();
  ASSERT_TRUE(journaled(second)) << reader_->count();
  EXPECT_EQ(service_->stats().records, 13u);  // the new ones only
  stop_service();

  // And the other way: Kafka believes more was consumed than was
  // journaled (committed offsets at the end, past records produced while
  // the auditor was down). They are journaled all the same.
  for (const auto& [id, json] : example_calls()) {
    produce(topics_.emergency_calls, id, with_field(json, "call_id", id + "-third"));
  }
  flush();
  commit_kafka_offsets([](std::int64_t high) { return high; });
  start_service();
  const auto third = second + 2 * static_cast<std::int64_t>(example_calls().size());
  ASSERT_TRUE(journaled(third)) << reader_->count();

  const auto counts = count_entries(*reader_);
  for (const auto& [id, json] : example_calls()) {
    for (const auto& suffix : {"", "-again", "-third"}) {
      EXPECT_EQ((counts.at({"call.recorded", id + suffix})), 1) << id + suffix;
      EXPECT_EQ((counts.at({"location.conveyed", id + suffix})), 1) << id + suffix;
    }
  }
  const auto v = verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.entries, third);
}

TEST_P(AuditorServiceTest, BadRecordsAreDeadLetteredAndTheNextIsJournaled) {
  start_service();
  const auto good = example("emergency-call/contract-minimum.json");
  const std::string key = "one-partition";  // in order, in one partition
  produce(topics_.emergency_calls, key, "not json at all");
  produce(topics_.emergency_calls, key, example("call-event/minimal.json"));  // another schema
  produce(topics_.emergency_calls, key, with_field(good, "call_id", ""));
  {
    rapidjson::Document d;
    d.Parse(good.c_str());
    d.RemoveMember("call_id");
    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> w(out);
    d.Accept(w);
    produce(topics_.emergency_calls, key, out.GetString());
  }
  {
    rapidjson::Document d;
    d.Parse(good.c_str());
    d["caller"]["callback"].SetInt(911);
    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> w(out);
    d.Accept(w);
    produce(topics_.emergency_calls, key, out.GetString());
  }
  producer_->produce_tombstone(topics_.emergency_calls, key);
  produce(topics_.notifications, "c-1", R"({"schema":"e911.notification/v1","call_id":"c-1"})");
  produce(topics_.emergency_calls, key, good);
  flush();

  ASSERT_TRUE(journaled(2));
  ASSERT_TRUE(wait_until([&] { return service_->stats().dead_letters == 7; })) << service_->stats().dead_letters;
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == 8; }));
  const auto dead = dead_letters();
  ASSERT_EQ(dead.size(), 7u);
  // The emergency calls' dead letters in their order; the notification's
  // (another topic, consumed alongside) may come anywhere among them.
  std::vector<std::string> reasons;
  for (const auto& d : dead) {
    EXPECT_EQ(std::string(d["component"].GetString()), "auditor");
    EXPECT_FALSE(std::string(d["reason"].GetString()).empty());
    if (std::string(d["source"]["topic"].GetString()) == topics_.emergency_calls) {
      reasons.emplace_back(d["reason"].GetString());
    }
  }
  ASSERT_EQ(reasons.size(), 6u);
  EXPECT_NE(reasons[0].find("JSON"), std::string::npos) << reasons[0];
  EXPECT_NE(reasons[4].find("caller.callback"), std::string::npos) << reasons[4];
  EXPECT_NE(reasons[5].find("tombstone"), std::string::npos) << reasons[5];
  const auto counts = count_entries(*reader_);
  EXPECT_EQ((counts.at({"call.recorded", "c-1"})), 1);
  EXPECT_EQ(counts.size(), 2u);

  // Their offsets are in the journal's: a restart does not read them again.
  std::int64_t stored = 0;
  for (const auto& o : reader_->offsets(group_)) stored += o.next_offset;
  EXPECT_EQ(stored, 8);
  stop_service();
  start_service();
  produce(topics_.emergency_calls, key, with_field(good, "call_id", "c-after-restart"));
  flush();
  ASSERT_TRUE(journaled(4));
  EXPECT_EQ(service_->stats().records, 1u);
  EXPECT_EQ(service_->stats().dead_letters, 0u);
  EXPECT_EQ(dead_letters().size(), 7u);
  EXPECT_TRUE(verify().ok);
}

TEST_P(AuditorServiceTest, WhileTheStoreIsDownNothingIsAcknowledgedThenItRecovers) {
  const auto faults = std::make_shared<StoreFaults>();
  start_faulty_service(faults);
  // Consuming (partitions assigned, one record journaled) before the
  // database goes away.
  produce(topics_.emergency_calls, "c-warm",
          with_field(example("emergency-call/contract-minimum.json"), "call_id", "c-warm"));
  flush();
  ASSERT_TRUE(journaled(2));
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == 1; }));
  faults->down = true;
  const auto records = produce_examples();
  ASSERT_TRUE(wait_until([&] { return service_->stats().store_errors >= 3; }));
  // Retrying, not skipping: nothing more journaled, nothing acknowledged,
  // no offset moved; /healthz says why.
  EXPECT_EQ(reader_->count(), 2);
  std::int64_t stored = 0;
  for (const auto& o : reader_->offsets(group_)) stored += o.next_offset;
  EXPECT_EQ(stored, 1);
  EXPECT_EQ(service_->stats().records_acked, 1u);
  const auto health = service_->health();
  EXPECT_TRUE(health.live);
  EXPECT_NE(health.reason.find("audit store failing"), std::string::npos) << health.reason;
  EXPECT_NE(metrics_.scrape_text().find("e911_auditor_store_failing 1"), std::string::npos);

  faults->down = false;
  ASSERT_TRUE(journaled(2 + example_entries())) << reader_->count();
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == 1 + records; }));
  EXPECT_GE(faults->opened.load(), 2);  // a fresh connection after the errors
  EXPECT_TRUE(service_->health().reason.empty()) << service_->health().reason;
  EXPECT_NE(metrics_.scrape_text().find("e911_auditor_store_failing 0"), std::string::npos);
  const auto v = verify();
  EXPECT_TRUE(v.ok) << v.reason;
}

// Started while its database is unreachable (a restart, a failover, the
// database's pod not up yet): the auditor waits for it as it does for a
// failure later, instead of exiting; a refusal (credentials, a missing
// database) still stops it at once. The fault campaign found an auditor
// started during a PostgreSQL restart exiting.
TEST_P(AuditorServiceTest, AnAuditorStartedWhileItsDatabaseIsUnreachableWaitsForIt) {
  EXPECT_THROW(AuditorService(options(), [] () -> std::unique_ptr<AuditStore> {
                 throw std::runtime_error("test: password authentication failed for user \"auditor\"");
               }, signer_, metrics_),
               std::runtime_error);
  const auto faults = std::make_shared<StoreFaults>();
  faults->down = true;
  start_faulty_service(faults);
  EXPECT_EQ(service_->store_name(), "");
  const auto records = produce_examples();
  ASSERT_TRUE(wait_until([&] { return service_->stats().store_errors >= 3; }));
  EXPECT_EQ(reader_->count(), 0);
  EXPECT_NE(service_->health().reason.find("audit store failing"), std::string::npos) << service_->health().reason;
  faults->down = false;
  ASSERT_TRUE(journaled(example_entries())) << reader_->count();
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == records; }));
  EXPECT_NE(service_->store_name(), "");
  EXPECT_TRUE(service_->health().reason.empty()) << service_->health().reason;
  const auto v = verify();
  EXPECT_TRUE(v.ok) << v.reason;
}

TEST_P(AuditorServiceTest, ACommitWhoseAcknowledgementIsLostIsNotWrittenTwice) {
  const auto faults = std::make_shared<StoreFaults>();
  start_faulty_service(faults);
  faults->lose_next_commit_ack = true;
  const auto records = produce_examples();
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == records; }));
  EXPECT_GE(service_->stats().store_errors, 1u);
  EXPECT_EQ(reader_->count(), example_entries());
  EXPECT_EQ(count_entries(*reader_), expected_example_counts());
  EXPECT_TRUE(verify().ok);
}

// The real databases failing, not a stand-in: SQLite's write lock held by
// another connection past the busy timeout; PostgreSQL's server ending the
// auditor's connection.
TEST_P(AuditorServiceTest, TheRealDatabaseFailingIsRetriedOnAFreshConnection) {
  AuditStoreOptions store_options;
  store_options.connect_timeout_s = 1;  // SQLite: the busy timeout
  start_service(store_opener(url_, store_options));
  produce(topics_.emergency_calls, "c-1", example("emergency-call/contract-minimum.json"));
  flush();
  ASSERT_TRUE(journaled(2));

  std::mutex mu;
  std::condition_variable cv;
  bool holding = false, release = false;
  std::thread holder;
  if (GetParam() == Backend::sqlite) {
    holder = std::thread([&] {
      auto other = open_audit_store(url_);
      other->in_write_transaction("test: hold the write lock", [&](Poco::Data::Session&) {
        std::unique_lock lock(mu);
        holding = true;
        cv.notify_all();
        cv.wait(lock, [&] { return release; });
      });
    });
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, kDeadline, [&] { return holding; }));
  } else {
    const auto r = postgres_->psql(database_,
                                 "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" +
                                     database_ + "' AND pid <> pg_backend_pid()");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    reader_ = open_audit_store(url_);  // ours went too
  }
  const auto errors_before = service_->stats().store_errors;
  produce(topics_.emergency_calls, "c-3", example("emergency-call/switch-port-full.json"));
  flush();
  ASSERT_TRUE(wait_until([&] { return service_->stats().store_errors > errors_before; }));
  if (holder.joinable()) {
    // Still locked out: c-3 is neither journaled nor acknowledged.
    EXPECT_EQ(service_->stats().records_acked, 1u);
    EXPECT_EQ(reader_->count(), 2);
    {
      std::lock_guard lock(mu);
      release = true;
    }
    cv.notify_all();
    holder.join();
  }
  ASSERT_TRUE(journaled(4)) << reader_->count();
  ASSERT_TRUE(wait_until([&] { return service_->stats().records_acked == 2; }));
  const auto counts = count_entries(*reader_);
  EXPECT_EQ((counts.at({"call.recorded", "c-3"})), 1);
  EXPECT_TRUE(verify().ok);
}

}  // namespace
}  // namespace e911::auditor
