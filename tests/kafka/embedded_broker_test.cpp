#include "common/kafka/embedded_broker.h"

#include <gtest/gtest.h>

#include "common/kafka/error.h"
#include "common/kafka/producer.h"
#include "common/kafka/topic_reader.h"
#include "tests/kafka/kafka_test_util.h"

namespace e911::kafka {
namespace {

TEST(EmbeddedBroker, BrokersOnLoopbackAndReplicatedTopics) {
  EmbeddedBroker broker(3);
  EXPECT_EQ(broker.broker_count(), 3);
  const std::string& servers = broker.bootstrap_servers();
  EXPECT_EQ(std::count(servers.begin(), servers.end(), ','), 2) << servers;
  EXPECT_EQ(servers.rfind("127.0.0.1:", 0), 0u) << servers;

  broker.create_topic("e911.emergency-calls", 2, 3);
  const auto props = broker.client_properties();
  EXPECT_EQ(props.at("bootstrap.servers"), servers);
  Producer producer(props);
  producer.produce("e911.emergency-calls", "c-1", "{}");
  ASSERT_TRUE(producer.flush(test::kDeadline));
  EXPECT_EQ(read_to_end(props, "e911.emergency-calls", [](const Message&) {}).messages, 1u);
}

TEST(EmbeddedBroker, CreateTopicChecksItsArguments) {
  EmbeddedBroker broker(2);
  broker.create_topic("t", 1, 2);
  EXPECT_THROW(broker.create_topic("t", 1), KafkaError);     // exists
  EXPECT_THROW(broker.create_topic("u", 0), KafkaError);     // no partitions
  EXPECT_THROW(broker.create_topic("u", 1, 3), KafkaError);  // more replicas than brokers
  EXPECT_THROW(broker.create_topic("", 1), KafkaError);
  EXPECT_THROW(EmbeddedBroker(0), KafkaError);
}

TEST(EmbeddedBroker, ClientDefaultsKeepLatencyLow) {
  const auto d = embedded_client_defaults();
  EXPECT_LE(std::stoi(d.at("fetch.wait.max.ms")), 5);
  EXPECT_EQ(d.at("socket.nagle.disable"), "true");
  EXPECT_LE(std::stoi(d.at("linger.ms")), 1);
  EXPECT_EQ(d.count("bootstrap.servers"), 0u);
}

}  // namespace
}  // namespace e911::kafka
