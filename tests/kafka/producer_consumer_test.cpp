// The Producer and Consumer against the embedded broker (real Kafka
// protocol): round trip, at-least-once offsets, rebalance hooks, shutdown
// by stop flag, errors surfaced.

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <csignal>
#include <map>
#include <set>
#include <thread>

#include "common/kafka/consumer.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/error.h"
#include "common/kafka/producer.h"
#include "common/kafka/stop_signal.h"
#include "tests/kafka/kafka_test_util.h"

namespace e911::kafka {
namespace {

using namespace std::chrono_literals;
using test::kDeadline;
using test::poll_until;
using test::test_properties;
using test::unique_name;

struct Received {
  std::string topic;
  std::int32_t partition;
  std::int64_t offset;
  std::optional<std::string> key;
  std::string value;
  bool tombstone;
  Headers headers;
};

Received copy(const Message& m) {
  return {std::string(m.topic), m.partition, m.offset,
          m.key ? std::optional<std::string>(std::string(*m.key)) : std::nullopt,
          std::string(m.value), m.tombstone, m.headers};
}

TEST(KafkaRoundTrip, ProduceConsumeWithHooksAndStopFlag) {
  EmbeddedBroker broker;
  broker.create_topic("e911.call-events", 3);
  const auto props = test_properties(broker);

  Producer producer(props, {.client_id = "test-producer"});
  std::vector<DeliveryReport> reports;
  std::mutex reports_mu;
  const auto record = [&](const DeliveryReport& r) {
    std::lock_guard lock(reports_mu);
    reports.push_back(r);
  };
  producer.produce("e911.call-events", "u-1", R"({"event_id":"ev-1"})", {{"trace", "t-1"}}, record);
  producer.produce("e911.call-events", std::nullopt, "no key", {}, record);
  producer.produce("e911.call-events", "u-2", "", {}, record);  // empty, not a tombstone
  ASSERT_TRUE(producer.flush(kDeadline));
  EXPECT_EQ(producer.stats().enqueued, 3u);
  EXPECT_EQ(producer.stats().delivered, 3u);
  EXPECT_EQ(producer.stats().failed, 0u);
  ASSERT_EQ(reports.size(), 3u);
  for (const auto& r : reports) {
    EXPECT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.topic, "e911.call-events");
    EXPECT_GE(r.offset, 0);
  }

  std::vector<TopicPartition> assigned, revoked;
  ConsumerOptions options;
  options.group_id = unique_name("round-trip");
  options.topics = {"e911.call-events"};
  options.on_assigned = [&](const std::vector<TopicPartition>& p) { assigned.insert(assigned.end(), p.begin(), p.end()); };
  options.on_revoked = [&](const std::vector<TopicPartition>& p) { revoked.insert(revoked.end(), p.begin(), p.end()); };
  Consumer consumer(props, options);

  std::map<std::string, Received> got;  // by value
  std::atomic<bool> stop{false};
  consumer.run(  // the handler sets the flag, as SIGTERM would
      [&](const Message& m, const Ack& ack) {
        EXPECT_FALSE(assigned.empty()) << "on_assigned runs before messages are handed out";
        got[std::string(m.value)] = copy(m);
        ack.done();
        if (got.size() == 3) stop = true;
      },
      stop);

  ASSERT_EQ(got.size(), 3u);
  const auto& first = got.at(R"({"event_id":"ev-1"})");
  EXPECT_EQ(first.key, "u-1");
  ASSERT_EQ(first.headers.size(), 1u);
  EXPECT_EQ(first.headers[0].name, "trace");
  EXPECT_EQ(first.headers[0].value, "t-1");
  EXPECT_EQ(got.at("no key").key, std::nullopt);
  EXPECT_FALSE(got.at("").tombstone);
  EXPECT_EQ(got.at("").key, "u-2");

  std::set<TopicPartition> expected;
  for (int p = 0; p < 3; ++p) expected.insert({"e911.call-events", p});
  EXPECT_EQ(std::set<TopicPartition>(assigned.begin(), assigned.end()), expected);
  EXPECT_EQ(std::set<TopicPartition>(revoked.begin(), revoked.end()), expected) << "close revokes everything";
  EXPECT_TRUE(consumer.assignment().empty());
  EXPECT_EQ(consumer.stats().received, 3u);
  EXPECT_THROW(consumer.poll([](const Message&, const Ack&) {}, 0ms), KafkaError) << "closed";
}

TEST(KafkaAtLeastOnce, OnlyWorkMarkedDurableIsNotConsumedAgain) {
  EmbeddedBroker broker;
  broker.create_topic("calls", 1);
  broker.create_topic("updates", 1);
  const auto props = test_properties(broker);
  {
    Producer producer(props);
    for (int i = 0; i < 5; ++i) producer.produce("calls", "u", "m" + std::to_string(i));
    for (int i = 0; i < 3; ++i) producer.produce("updates", "u", "x" + std::to_string(i));
    ASSERT_TRUE(producer.flush(kDeadline));
  }
  ConsumerOptions options;
  options.group_id = unique_name("at-least-once");
  options.topics = {"calls", "updates"};

  // First run (no waiting at close for the work left undone on purpose): all of "updates" is durable; of "calls", m0, m1 and m3 are
  // (m3 out of order), m2 and m4 are not.
  {
    auto first_options = options;
    first_options.drain_timeout = 0ms;
    Consumer consumer(props, first_options);
    int seen = 0;
    ASSERT_TRUE(poll_until(
        consumer,
        [&](const Message& m, const Ack& ack) {
          ++seen;
          if (m.topic == "updates" || m.value == "m0" || m.value == "m1" || m.value == "m3") ack.done();
        },
        [&] { return seen == 8; }));
    consumer.close();
  }

  // Second run, same group: "calls" resumes at m2, the first message not
  // durable. m3 comes again too: the committed offset is a position, so
  // work finished out of order past a gap is redone (idempotency keys make
  // that harmless). m0, m1 and every "updates" message are not redelivered:
  // a sentinel produced now arrives after anything redelivered (one
  // partition, in order), so waiting for it is enough.
  Consumer consumer(props, options);
  std::vector<std::string> calls, updates;
  std::int64_t first_offset = -1;
  const auto record = [&](const Message& m, const Ack& ack) {
    if (m.topic == "calls") {
      if (first_offset < 0) first_offset = m.offset;
      calls.emplace_back(m.value);
    } else {
      updates.emplace_back(m.value);
    }
    ack.done();
  };
  ASSERT_TRUE(poll_until(consumer, record, [&] { return !consumer.assignment().empty(); }));
  {
    Producer producer(props);
    producer.produce("calls", "u", "end");
    producer.produce("updates", "u", "end");
    ASSERT_TRUE(producer.flush(kDeadline));
  }
  ASSERT_TRUE(poll_until(consumer, record, [&] {
    return !calls.empty() && calls.back() == "end" && !updates.empty() && updates.back() == "end";
  }));
  EXPECT_EQ(first_offset, 2);
  EXPECT_EQ(calls, (std::vector<std::string>{"m2", "m3", "m4", "end"}));
  EXPECT_EQ(updates, (std::vector<std::string>{"end"}));
}

TEST(KafkaAtLeastOnce, AckFromAnotherThreadAfterTheHandlerReturned) {
  EmbeddedBroker broker;
  broker.create_topic("calls", 1);
  const auto props = test_properties(broker);
  Producer producer(props);
  for (int i = 0; i < 3; ++i) producer.produce("calls", "u", "m" + std::to_string(i));
  ASSERT_TRUE(producer.flush(kDeadline));

  ConsumerOptions options;
  options.group_id = unique_name("async-ack");
  options.topics = {"calls"};
  {
    Consumer consumer(props, options);
    std::vector<Ack> pending;
    ASSERT_TRUE(poll_until(
        consumer, [&](const Message&, const Ack& ack) { pending.push_back(ack); },
        [&] { return pending.size() == 3; }));
    // The work completes later, elsewhere (as a delivery callback would).
    std::thread worker([&] {
      for (const auto& a : pending) a.done();
    });
    worker.join();
    consumer.close();  // stores what completed, commits, leaves
    EXPECT_EQ(consumer.stats().offsets_stored, 1u);
  }
  Consumer consumer(props, options);
  std::vector<std::string> seen;
  const auto handler = [&](const Message& m, const Ack& ack) {
    seen.emplace_back(m.value);
    ack.done();
  };
  ASSERT_TRUE(poll_until(consumer, handler, [&] { return !consumer.assignment().empty(); }));
  producer.produce("calls", "u", "end");  // arrives after anything redelivered
  ASSERT_TRUE(producer.flush(kDeadline));
  ASSERT_TRUE(poll_until(consumer, handler, [&] { return !seen.empty() && seen.back() == "end"; }));
  EXPECT_EQ(seen, std::vector<std::string>{"end"});
}

TEST(KafkaProducer, ErrorsAreSurfaced) {
  EmbeddedBroker broker;
  broker.create_topic("t", 1);
  auto props = test_properties(broker);

  // The idempotent producer's guarantees are not negotiable.
  auto weak = props;
  weak["acks"] = "1";
  try {
    Producer p(weak);
    FAIL() << "acks=1 accepted";
  } catch (const KafkaError& e) {
    EXPECT_NE(std::string(e.what()).find("acks"), std::string::npos) << e.what();
  }

  props["message.max.bytes"] = "1000";
  Producer producer(props);
  EXPECT_THROW(producer.produce("t", "k", std::string(5000, 'x')), KafkaError);

  // A non-retriable broker error fails the delivery, reported and counted.
  broker.fail_next_requests(0 /* Produce */, {RD_KAFKA_RESP_ERR_INVALID_RECORD});
  DeliveryReport report;
  producer.produce("t", "k", "v", {}, [&](const DeliveryReport& r) { report = r; });
  ASSERT_TRUE(producer.flush(kDeadline));
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.error_code, RD_KAFKA_RESP_ERR_INVALID_RECORD);
  EXPECT_EQ(producer.stats().failed, 1u);
  EXPECT_EQ(producer.stats().delivered, 0u);
}

TEST(KafkaConsumer, RejectsAutoOffsetStore) {
  EmbeddedBroker broker;
  auto props = test_properties(broker);
  props["enable.auto.offset.store"] = "true";
  EXPECT_THROW(Consumer(props, {.group_id = "g", .topics = {"t"}}), KafkaError);
  props.erase("enable.auto.offset.store");
  EXPECT_THROW(Consumer(props, {.group_id = "", .topics = {"t"}}), KafkaError);
}

TEST(KafkaStopSignal, SigtermSetsTheStopFlag) {
  const auto& flag = install_stop_signal_handlers();
  EXPECT_FALSE(flag.load());
  std::raise(SIGTERM);
  EXPECT_TRUE(flag.load());
  EXPECT_TRUE(stop_flag().load());
}

}  // namespace
}  // namespace e911::kafka
