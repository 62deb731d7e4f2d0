#include "common/kafka/embedded_broker.h"

#include <gtest/gtest.h>

#include <map>

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

TEST(EmbeddedBroker, FaultsPlayTheControllerForPinnedLeaders) {
  EmbeddedBroker broker(3, EmbeddedBroker::Leaders::pinned);
  broker.create_topic("a", 3, 3);
  broker.track_group("g");
  EXPECT_EQ(broker.leader_counts(), (std::map<int, int>{{1, 1}, {2, 1}, {3, 1}})) << "spread";
  const int coordinator = broker.coordinators().at("g");

  const auto down = broker.take_down(coordinator);
  ASSERT_TRUE(down) << down.error().message;
  ASSERT_EQ(down->size(), 2u) << "its partition and its group";
  for (const auto& m : *down) EXPECT_EQ(m.from, coordinator) << m.what;
  EXPECT_FALSE(broker.is_up(coordinator));
  EXPECT_EQ(broker.leader_counts().at(coordinator), 0);
  EXPECT_NE(broker.coordinators().at("g"), coordinator);
  EXPECT_FALSE(broker.take_down(coordinator)) << "down already";
  const int heir = broker.coordinators().at("g");
  const int other = 6 - coordinator - heir;  // the third broker
  ASSERT_TRUE(broker.take_down(other));
  const auto last = broker.take_down(heir);
  ASSERT_FALSE(last);
  EXPECT_NE(last.error().message.find("last live broker"), std::string::npos) << last.error().message;
  EXPECT_EQ(broker.leader_counts().at(heir), 3) << "all on the survivor";

  EXPECT_FALSE(broker.move_leader("a", 0, coordinator)) << "a broker that is down cannot lead";
  EXPECT_FALSE(broker.bring_up(coordinator));
  EXPECT_TRUE(broker.bring_up(coordinator)) << "up already";
  EXPECT_EQ(broker.leader_counts().at(coordinator), 0) << "leadership stays where it is";
  const auto moved = broker.move_leader("a", 1, coordinator);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->what, "a[1]");
  EXPECT_EQ(broker.leader("a", 1), coordinator);
  EXPECT_FALSE(broker.move_leader("a", 3, coordinator)) << "no partition 3";
  EXPECT_FALSE(broker.move_leader("b", 0, coordinator)) << "no topic b";
  EXPECT_FALSE(broker.take_down(4)) << "no broker 4";

  const auto shuffled = broker.shuffle_leaders(42);
  ASSERT_TRUE(shuffled) << shuffled.error().message;
  for (const auto& m : *shuffled) EXPECT_NE(m.to, other) << m.what << " went to a broker that is down";
}

TEST(EmbeddedBroker, RandomLeadersOfSeveralBrokersAreNotMoved) {
  EmbeddedBroker broker(2);
  broker.create_topic("a", 2, 2);
  const auto down = broker.take_down(1);
  ASSERT_FALSE(down);
  EXPECT_NE(down.error().message.find("random choice"), std::string::npos) << down.error().message;
  EXPECT_TRUE(broker.is_up(1));
  EXPECT_FALSE(broker.leader("a", 0)) << "unknown";

  EmbeddedBroker single;  // one broker leads everything, known without pinning
  single.create_topic("a", 2);
  EXPECT_EQ(single.leader("a", 1), 1);
  EXPECT_FALSE(single.take_down(1)) << "the last live broker";
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
