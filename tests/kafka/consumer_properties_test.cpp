// The properties every component's consumer is created with: the
// emergency defaults of consumer.h, each kept when the user sets it.
#include <gtest/gtest.h>

#include "common/kafka/consumer.h"
#include "common/kafka/error.h"

namespace e911::kafka {
namespace {

const ConsumerOptions kOptions{.group_id = "e911-locator", .topics = {"e911.call-events"}, .instance_id = "loc-1"};

TEST(ConsumerProperties, EmergencyDefaultsWhereTheUserSetNothing) {
  const auto props = consumer_properties({{"bootstrap.servers", "127.0.0.1:9092"}}, kOptions);
  EXPECT_EQ(props.at("group.id"), "e911-locator");
  EXPECT_EQ(props.at("group.instance.id"), "loc-1");
  EXPECT_EQ(props.at("session.timeout.ms"), "10000");
  EXPECT_EQ(props.at("heartbeat.interval.ms"), "1000");
  EXPECT_EQ(props.at("enable.auto.offset.store"), "false");
  // A backlog is prefetched up to librdkafka's byte limit, not stopped at
  // its 100,000-message default (the 1-second fetch pause of librdkafka 2.0).
  EXPECT_EQ(props.at("queued.min.messages"), "500000");  // docs/operations.md, decision 0013
  EXPECT_EQ(props.count("queued.max.messages.kbytes"), 0u);
}

TEST(ConsumerProperties, WhatTheUserSetsWins) {
  const auto props = consumer_properties(
      {{"queued.min.messages", "1000"}, {"session.timeout.ms", "45000"}, {"group.instance.id", "pod-7"}}, kOptions);
  EXPECT_EQ(props.at("queued.min.messages"), "1000");
  EXPECT_EQ(props.at("session.timeout.ms"), "45000");
  EXPECT_EQ(props.at("group.instance.id"), "pod-7");
}

TEST(ConsumerProperties, RefusesWhatBreaksAtLeastOnceOrNamesNoGroup) {
  EXPECT_THROW(consumer_properties({{"enable.auto.offset.store", "true"}}, kOptions), KafkaError);
  EXPECT_THROW(consumer_properties({}, {.topics = {"t"}}), KafkaError);
  EXPECT_THROW(consumer_properties({}, {.group_id = "g"}), KafkaError);
}

}  // namespace
}  // namespace e911::kafka
