// `e911 broker --brokers 3 --control` (cli/broker_control.h): a producer
// and a group consumer keep their messages flowing while the broker that
// leads their partitions and coordinates their group is down, while
// requests fail and leaders move; every command is answered with one line,
// what a cluster cannot do is refused saying why, and the end of standard
// input does not stop the broker.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/kafka/consumer.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/producer.h"
#include "tests/kafka/kafka_test_util.h"
#include "tests/support/child_process.h"
#include "tests/support/files.h"

namespace e911::kafka {
namespace {

using test::kDeadline;

constexpr int kPartitions = 3;

class BrokerControl : public ::testing::Test {
 protected:
  BrokerControl()
      : broker_({e911::test::e911_binary(), "broker", "--brokers", "3", "--partitions", "1", "--topic",
                 topic_ + ":" + std::to_string(kPartitions), "--control", "--group", group_},
                dir_.path("broker.log"), {}, e911::test::ChildProcess::Stdin::pipe),
        bootstrap_(broker_.wait_for("bootstrap.servers=", kDeadline)) {}

  // Sends one control line and returns its answer line.
  std::string command(const std::string& line) {
    if (!broker_.write_line(line)) return "(standard input closed)";
    return broker_.read_line(kDeadline).value_or("(no answer within the deadline)");
  }

  Properties client_properties() const {
    Properties props = embedded_client_defaults();
    props["bootstrap.servers"] = bootstrap_;
    props["session.timeout.ms"] = "3000";  // as test_properties(): a quick first join on the mock
    return props;
  }

  // The broker that coordinates `group_`, from the status line.
  int coordinator() {
    const auto status = command("status");
    const auto at = status.find(" " + group_ + ":");
    return at == std::string::npos ? 0 : std::stoi(status.substr(at + group_.size() + 2));
  }

  // Produces `count` messages named `prefix-N` and waits for Kafka to have
  // them all; then consumes until each has been seen (at least once).
  void send_and_receive(Producer& producer, Consumer& consumer, const std::string& prefix, int count) {
    std::set<std::string> sent;
    for (int i = 0; i < count; ++i) {
      sent.insert(prefix + "-" + std::to_string(i));
      producer.produce(topic_, "k" + std::to_string(i), prefix + "-" + std::to_string(i));
    }
    ASSERT_TRUE(producer.flush(kDeadline)) << prefix << ": not delivered within the deadline";
    const bool all = test::poll_until(
        consumer,
        [&](const Message& m, const Ack& ack) {
          ++received_[std::string(m.value)];
          ack.done();
        },
        [&] {
          for (const auto& v : sent) {
            if (!received_.count(v)) return false;
          }
          return true;
        });
    ASSERT_TRUE(all) << prefix << ": not all consumed within the deadline\n" << test::read_file(dir_.path("broker.log"));
  }

  const std::string topic_ = test::unique_name("faults");
  const std::string group_ = test::unique_name("faults-group");
  test::TempDir dir_;
  e911::test::ChildProcess broker_;
  const std::string bootstrap_;
  std::map<std::string, int> received_;  // value -> times consumed
};

TEST_F(BrokerControl, MessagesFlowThroughABrokerDownRequestErrorsAndLeaderMoves) {
  const int victim = coordinator();
  ASSERT_GE(victim, 1) << "the group is tracked: " << command("status");
  // All of the topic's leadership on the broker that will go down.
  for (int p = 0; p < kPartitions; ++p) {
    EXPECT_EQ(command("leader " + topic_ + " " + std::to_string(p) + " " + std::to_string(victim)).rfind("ok moved", 0),
              0u);
  }

  Producer producer(client_properties(), {.topics = {topic_}});
  ConsumerOptions options;
  options.group_id = group_;
  options.topics = {topic_};
  auto consumer = std::make_unique<Consumer>(client_properties(), options);
  send_and_receive(producer, *consumer, "before", 20);

  const std::string down = command("down " + std::to_string(victim));
  ASSERT_EQ(down.rfind("ok broker " + std::to_string(victim) + " down; moved ", 0), 0u) << down;
  for (int p = 0; p < kPartitions; ++p) {
    EXPECT_NE(down.find(topic_ + "[" + std::to_string(p) + "]:" + std::to_string(victim) + "->"), std::string::npos)
        << down;
  }
  EXPECT_NE(down.find("group " + group_ + ":" + std::to_string(victim) + "->"), std::string::npos) << down;
  const std::string status = command("status");
  EXPECT_NE(status.find("; down " + std::to_string(victim) + ";"), std::string::npos) << status;
  EXPECT_NE(status.find(" " + std::to_string(victim) + ":0"), std::string::npos) << "leads nothing: " << status;
  EXPECT_NE(coordinator(), victim);
  send_and_receive(producer, *consumer, "while-down", 20);
  // The group lives on at its new coordinator: the offsets committed on
  // close are there for a new member, which joins and reads on from them.
  consumer.reset();
  consumer = std::make_unique<Consumer>(client_properties(), options);
  send_and_receive(producer, *consumer, "rejoined", 20);
  for (const auto& [value, times] : received_) EXPECT_EQ(times, 1) << value << " consumed again";

  EXPECT_EQ(command("up " + std::to_string(victim)), "ok broker " + std::to_string(victim) + " up");
  send_and_receive(producer, *consumer, "back-up", 20);

  EXPECT_EQ(command("errors Produce NOT_LEADER_FOR_PARTITION,REQUEST_TIMED_OUT"),
            "ok the next 2 Produce requests fail: NOT_LEADER_FOR_PARTITION,REQUEST_TIMED_OUT");
  EXPECT_EQ(command("errors 1 6,6"), "ok the next 2 Fetch requests fail: NOT_LEADER_FOR_PARTITION,NOT_LEADER_FOR_PARTITION");
  EXPECT_EQ(command("errors OffsetCommit NOT_COORDINATOR"), "ok the next 1 OffsetCommit requests fail: NOT_COORDINATOR");
  send_and_receive(producer, *consumer, "errors", 20);

  EXPECT_EQ(command("shuffle-leaders 7").rfind("ok moved ", 0), 0u);
  send_and_receive(producer, *consumer, "shuffled", 20);
  EXPECT_EQ(producer.stats().failed, 0u);
}

TEST_F(BrokerControl, RefusesWhatAClusterCannotDoAndOutlivesItsInput) {
  EXPECT_EQ(command("errors Produce NOT_A_CODE").rfind("error: 'NOT_A_CODE' is not a Kafka error code", 0), 0u);
  EXPECT_EQ(command("errors Bogus 6").rfind("error: 'Bogus' is not a Kafka API the embedded broker serves", 0), 0u);
  EXPECT_EQ(command("down 4"), "error: no broker 4 (brokers are 1 to 3)");
  EXPECT_EQ(command("up 1"), "error: broker 1 is up already");
  EXPECT_EQ(command("leader no-such-topic 0 1").rfind("error: no topic no-such-topic", 0), 0u);
  EXPECT_EQ(command("leader " + topic_ + " 3 1"), "error: topic " + topic_ + " has partitions 0 to 2");
  EXPECT_EQ(command(std::string(5000, 'x')), "error: line longer than 4096 bytes");
  EXPECT_EQ(command("down 1").rfind("ok broker 1 down", 0), 0u);
  EXPECT_EQ(command("down 1"), "error: broker 1 is down already");
  EXPECT_EQ(command("leader " + topic_ + " 0 1"), "error: broker 1 is down: it cannot lead");
  EXPECT_EQ(command("down 2").rfind("ok broker 2 down", 0), 0u);
  EXPECT_EQ(command("down 3"), "error: broker 3 is the last live broker: the cluster would be gone");
  EXPECT_NE(command("status").find("ok up 3; down 1,2; leaders 1:0 2:0 3:"), std::string::npos);

  // The end of the commands is not the end of the cluster.
  broker_.close_stdin();
  Producer producer(client_properties(), {.topics = {topic_}});
  producer.produce(topic_, "k", "after the end of input");
  EXPECT_TRUE(producer.flush(kDeadline));
  EXPECT_TRUE(broker_.running());
  broker_.stop();
  EXPECT_EQ(broker_.exit_code(), 0) << test::read_file(dir_.path("broker.log"));
}

}  // namespace
}  // namespace e911::kafka
