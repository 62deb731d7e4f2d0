// read_to_end: state rebuild from a topic, up to where it ends when asked.

#include "common/kafka/topic_reader.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <map>

#include "common/kafka/embedded_broker.h"
#include "common/kafka/error.h"
#include "common/kafka/producer.h"
#include "common/kafka/topic_tail.h"
#include "tests/kafka/kafka_test_util.h"

namespace e911::kafka {
namespace {

using test::kDeadline;

TEST(KafkaReadToEnd, ReadsEverythingUpToTheHighWatermarkAndStops) {
  EmbeddedBroker broker;
  broker.create_topic("e911.location-updates", 3);
  const auto props = broker.client_properties();
  Producer producer(props);
  for (int i = 0; i < 30; ++i) {
    producer.produce("e911.location-updates", "u-" + std::to_string(i % 7), "v" + std::to_string(i));
  }
  ASSERT_TRUE(producer.flush(kDeadline));

  std::map<std::int32_t, std::vector<std::int64_t>> offsets;
  std::map<std::string, std::string> latest;  // per user, like the locator's state
  bool wrote_more = false;
  const auto result = read_to_end(props, "e911.location-updates", [&](const Message& m) {
    offsets[m.partition].push_back(m.offset);
    latest[std::string(*m.key)] = std::string(m.value);
    if (!wrote_more) {
      // Written while we read: past the end as it was when we started.
      wrote_more = true;
      for (int i = 0; i < 10; ++i) producer.produce("e911.location-updates", "u-late", "late");
      ASSERT_TRUE(producer.flush(kDeadline));
    }
  });
  EXPECT_EQ(result.messages, 30u);
  EXPECT_EQ(result.partitions, 3);
  std::size_t total = 0;
  for (const auto& [p, offs] : offsets) {
    total += offs.size();
    for (std::size_t i = 0; i < offs.size(); ++i) EXPECT_EQ(offs[i], static_cast<std::int64_t>(i)) << "partition " << p;
  }
  EXPECT_EQ(total, 30u);
  EXPECT_EQ(latest.size(), 7u);
  EXPECT_EQ(latest.count("u-late"), 0u);
  EXPECT_EQ(latest.at("u-1"), "v29");  // the last update of a key wins (keys keep their partition)

  // A second read sees the later messages too.
  std::uint64_t late = 0;
  const auto again = read_to_end(props, "e911.location-updates", [&](const Message& m) { late += m.value == "late"; });
  EXPECT_EQ(again.messages, 40u);
  EXPECT_EQ(late, 10u);
}

TEST(KafkaReadToEnd, OnlyTheGivenPartitions) {
  EmbeddedBroker broker;
  broker.create_topic("updates", 3);
  const auto props = broker.client_properties();
  Producer producer(props);
  std::map<std::int32_t, int> produced;
  for (int i = 0; i < 20; ++i) {
    producer.produce("updates", "k" + std::to_string(i), "v", {}, [&](const DeliveryReport& r) { ++produced[r.partition]; });
  }
  ASSERT_TRUE(producer.flush(kDeadline));
  ASSERT_GT(produced[1], 0);

  std::set<std::int32_t> seen;
  const auto r = read_to_end(props, "updates", [&](const Message& m) { seen.insert(m.partition); },
                             {.partitions = {1}, .timeout = kDeadline});
  EXPECT_EQ(r.messages, static_cast<std::uint64_t>(produced[1]));
  EXPECT_EQ(seen, std::set<std::int32_t>{1});
  EXPECT_THROW(read_to_end(props, "updates", [](const Message&) {}, {.partitions = {7}, .timeout = kDeadline}),
               KafkaError);
}

TEST(KafkaReadToEnd, EmptyTopicAndTombstones) {
  EmbeddedBroker broker;
  broker.create_topic("empty", 2);
  broker.create_topic("compacted", 1);
  const auto props = broker.client_properties();
  EXPECT_EQ(read_to_end(props, "empty", [](const Message&) { FAIL() << "no messages"; }).messages, 0u);

  // A tombstone (null value) deletes a key of a compacted topic.
  Producer producer(props);
  producer.produce("compacted", "u-1", "here");
  producer.produce_tombstone("compacted", "u-1");
  ASSERT_TRUE(producer.flush(kDeadline));
  std::vector<bool> tombstones;
  read_to_end(props, "compacted", [&](const Message& m) { tombstones.push_back(m.tombstone); });
  EXPECT_EQ(tombstones, (std::vector<bool>{false, true}));
}

// The locator catches its ELIN topic up before each call and polls it in
// between: a catch-up with nothing new since the last read must return at
// once, even when a poll took the end-of-partition event, and one with a
// new record must hand it over.
TEST(KafkaTopicTail, CatchingUpWhatWasReadAlreadyReturnsAtOnce) {
  EmbeddedBroker broker;
  broker.create_topic("claims", 1);
  const auto props = broker.client_properties();
  Producer producer(props);
  producer.produce("claims", "e1", "first");
  ASSERT_TRUE(producer.flush(kDeadline));
  TopicTail tail(props, "claims", {}, kDeadline);
  std::vector<std::string> seen;
  const auto record = [&](const Message& m) { seen.emplace_back(m.value); };
  EXPECT_EQ(tail.catch_up(record, kDeadline), 1u);
  // Polls until the fetcher has reported the end and the event is taken.
  for (int i = 0; i < 20; ++i) tail.poll(record, std::chrono::milliseconds(20));
  EXPECT_EQ(tail.catch_up(record, std::chrono::seconds(2)), 0u);  // threw (timed out) before
  producer.produce("claims", "e2", "second");
  ASSERT_TRUE(producer.flush(kDeadline));
  EXPECT_EQ(tail.catch_up(record, kDeadline), 1u);
  for (int i = 0; i < 20; ++i) tail.poll(record, std::chrono::milliseconds(20));
  EXPECT_EQ(tail.catch_up(record, std::chrono::seconds(2)), 0u);
  // Written right after a catch-up, before its end-of-partition event is
  // taken: that event (of the old end) must not end the next catch-up.
  for (const char* value : {"third", "fourth", "fifth"}) {
    producer.produce("claims", "e3", value);
    ASSERT_TRUE(producer.flush(kDeadline));
    EXPECT_EQ(tail.catch_up(record, kDeadline), 1u) << value;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"first", "second", "third", "fourth", "fifth"}));
}

TEST(KafkaReadToEnd, UnknownTopicIsAnError) {
  EmbeddedBroker broker;
  // The mock creates any topic asked about; a real cluster answers this.
  broker.set_topic_error("no-such-topic", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  auto props = broker.client_properties();
  try {
    read_to_end(props, "no-such-topic", [](const Message&) {}, {.partitions = {}, .timeout = std::chrono::seconds(10)});
    FAIL() << "read an unknown topic";
  } catch (const KafkaError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-topic"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace e911::kafka
