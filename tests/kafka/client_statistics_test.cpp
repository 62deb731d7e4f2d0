#include "common/kafka/client_statistics.h"

#include <gtest/gtest.h>

namespace e911::kafka {
namespace {

// A consumer's statistics in the shape librdkafka 2.0 emits (STATISTICS.md),
// trimmed to the fields read and a few around them.
constexpr const char* kConsumer = R"({
  "name": "e911-locator#consumer-1", "client_id": "e911-locator", "type": "consumer",
  "ts": 5016483227792, "time": 1527060869, "msg_cnt": 0, "msg_size": 0,
  "brokers": {
    "127.0.0.1:9092/bootstrap": {"name": "127.0.0.1:9092/bootstrap", "nodeid": -1, "source": "configured", "state": "UP"},
    "127.0.0.1:9092/1": {"name": "127.0.0.1:9092/1", "nodeid": 1, "source": "learned", "state": "UP"},
    "127.0.0.1:9093/2": {"name": "127.0.0.1:9093/2", "nodeid": 2, "source": "learned", "state": "DOWN"},
    "GroupCoordinator": {"name": "GroupCoordinator", "nodeid": 1, "source": "logical", "state": "UP"},
    ":0/internal": {"name": ":0/internal", "nodeid": -1, "source": "internal", "state": "INIT"}
  },
  "topics": {
    "e911.call-events": {"topic": "e911.call-events", "partitions": {
      "0": {"partition": 0, "fetch_state": "active", "committed_offset": 90, "hi_offset": 100, "consumer_lag": 10},
      "1": {"partition": 1, "fetch_state": "active", "committed_offset": 7, "hi_offset": 7, "consumer_lag": 0},
      "2": {"partition": 2, "fetch_state": "none", "committed_offset": -1001, "hi_offset": -1, "consumer_lag": -1},
      "-1": {"partition": -1, "consumer_lag": -1}
    }}
  },
  "cgrp": {"state": "up", "join_state": "steady", "rebalance_age": 12000, "rebalance_cnt": 3, "assignment_size": 3}
})";

TEST(ClientStatistics, AConsumersLagBrokersAndGroup) {
  const auto s = parse_client_statistics(kConsumer);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->type, "consumer");
  EXPECT_EQ(s->brokers, 2u) << "the cluster's brokers by node id: no bootstrap, internal or logical entry";
  EXPECT_EQ(s->brokers_up, 1u);
  ASSERT_EQ(s->partitions.size(), 2u) << "partitions with a known lag only";
  EXPECT_EQ(s->partitions[0].topic, "e911.call-events");
  EXPECT_EQ(s->partitions[0].partition, 0);
  EXPECT_EQ(s->partitions[0].lag, 10);
  EXPECT_EQ(s->partitions[1].lag, 0);
  EXPECT_EQ(s->rebalances, 3);
  EXPECT_EQ(s->assigned_partitions, 3);
}

TEST(ClientStatistics, AProducersQueue) {
  const auto s = parse_client_statistics(R"({"type":"producer","msg_cnt":42,"brokers":{},"topics":{}})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->queued_messages, 42);
  EXPECT_FALSE(s->rebalances);
  EXPECT_TRUE(s->partitions.empty());
}

TEST(ClientStatistics, WhatIsNotAStatisticsDocument) {
  EXPECT_FALSE(parse_client_statistics("").ok());
  EXPECT_FALSE(parse_client_statistics("[1,2]").ok());
  EXPECT_EQ(parse_client_statistics(R"({"msg_cnt":1})").error().message, "librdkafka statistics: no type");
  // Odd shapes inside are skipped, not fatal.
  const auto s = parse_client_statistics(R"({"type":"consumer","brokers":[],"topics":{"t":{"partitions":[]}},"cgrp":7})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->brokers, 0u);
}

}  // namespace
}  // namespace e911::kafka
