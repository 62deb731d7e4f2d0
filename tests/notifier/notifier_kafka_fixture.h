#pragma once
// What the tests of the notifier as a Kafka service share
// (notifier_service_test.cpp, notifier_faults_test.cpp): the embedded
// broker with the notifier's three topics (emergency calls on three
// partitions), a producer on it, a scratch directory, a consumer group of
// the test's own, and the service options that follow from these.
// Each fixture writes its registry (registry_) in its SetUp, after this
// one's.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/config.h"
#include "common/kafka/producer.h"
#include "consumers/notifier/notifier_service.h"
#include "tests/kafka/kafka_test_util.h"

namespace e911::notifier {

class NotifierKafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& name : {topics_.emergency_calls, topics_.notifications, topics_.dead_letter}) {
      broker_.create_topic(name, name == topics_.emergency_calls ? 3 : 1);
    }
    props_ = kafka::test::test_properties(broker_);
    producer_ = std::make_unique<kafka::Producer>(props_);
  }

  // This fixture's broker, topics, group, registry and state directory
  // (state/); the test sets the rest (retry timings, transports).
  NotifierServiceOptions fixture_options() const {
    NotifierServiceOptions o;
    o.kafka = props_;
    o.topics = topics_;
    o.group_id = group_;
    o.registry_path = registry_;
    o.state_dir = dir_.path("state");
    return o;
  }

  kafka::test::TempDir dir_;
  kafka::EmbeddedBroker broker_;
  Config::Topics topics_ = Config().topics();  // e911.call-events, ...
  std::string group_ = kafka::test::unique_name("e911-notifier");
  kafka::Properties props_;
  std::unique_ptr<kafka::Producer> producer_;
  std::string registry_;
};

}  // namespace e911::notifier
