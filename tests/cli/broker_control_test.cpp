// The control lines of `e911 broker --control` (cli/broker_control.h):
// what each command parses to, and the clear refusal of what is wrong.

#include "cli/broker_control.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace e911::cli {
namespace {

using Kind = BrokerControlCommand::Kind;

// The parse error of `line`, or "" when it parsed.
std::string refusal(const std::string& line) {
  const auto c = parse_control_line(line);
  return c ? "" : c.error().message;
}

TEST(BrokerControlLine, BrokerCommands) {
  const auto down = parse_control_line("down 2");
  ASSERT_TRUE(down) << down.error().message;
  EXPECT_EQ(down->kind, Kind::down);
  EXPECT_EQ(down->broker, 2);

  const auto up = parse_control_line("  up\t3 \r");  // spaces, a tab, a CR from a terminal
  ASSERT_TRUE(up) << up.error().message;
  EXPECT_EQ(up->kind, Kind::up);
  EXPECT_EQ(up->broker, 3);

  const auto leader = parse_control_line("leader e911.call-events 2 1");
  ASSERT_TRUE(leader) << leader.error().message;
  EXPECT_EQ(leader->kind, Kind::leader);
  EXPECT_EQ(leader->topic, "e911.call-events");
  EXPECT_EQ(leader->partition, 2);
  EXPECT_EQ(leader->broker, 1);

  const auto shuffle = parse_control_line("shuffle-leaders 18446744073709551615");
  ASSERT_TRUE(shuffle) << shuffle.error().message;
  EXPECT_EQ(shuffle->kind, Kind::shuffle_leaders);
  EXPECT_EQ(shuffle->seed, 18446744073709551615ull);

  const auto status = parse_control_line("status");
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->kind, Kind::status);
}

TEST(BrokerControlLine, ErrorsTakeApiAndCodesByNameOrNumber) {
  const auto produce = parse_control_line("errors Produce NOT_LEADER_FOR_PARTITION,7,request_timed_out");
  ASSERT_TRUE(produce) << produce.error().message;
  EXPECT_EQ(produce->kind, Kind::errors);
  EXPECT_EQ(produce->api_key, 0);
  EXPECT_EQ(produce->errors, (std::vector<int>{6, 7, 7}));

  const auto commit = parse_control_line("errors offsetcommit NOT_COORDINATOR");
  ASSERT_TRUE(commit) << commit.error().message;
  EXPECT_EQ(commit->api_key, 8);
  EXPECT_EQ(commit->errors, (std::vector<int>{16}));

  const auto heartbeat = parse_control_line("errors 12 _TRANSPORT");  // the mock drops the connection
  ASSERT_TRUE(heartbeat) << heartbeat.error().message;
  EXPECT_EQ(heartbeat->api_key, 12);
  EXPECT_EQ(heartbeat->errors, (std::vector<int>{-195}));
}

TEST(BrokerControlLine, RefusesWhatIsWrongSayingWhat) {
  EXPECT_NE(refusal("").find("empty line"), std::string::npos);
  EXPECT_NE(refusal("reboot 1").find("unknown command 'reboot'"), std::string::npos);
  EXPECT_NE(refusal("down").find("usage: down ID"), std::string::npos);
  EXPECT_NE(refusal("down 1 2").find("usage: down ID"), std::string::npos);
  EXPECT_NE(refusal("down 0").find("broker ID must be a whole number from 1, not '0'"), std::string::npos);
  EXPECT_NE(refusal("up one").find("not 'one'"), std::string::npos);
  EXPECT_NE(refusal("leader t -1 2").find("PARTITION must be a whole number"), std::string::npos);
  EXPECT_NE(refusal("shuffle-leaders").find("usage: shuffle-leaders SEED"), std::string::npos);
  EXPECT_NE(refusal("shuffle-leaders 1e3").find("SEED must be a whole number"), std::string::npos);
  // An API the mock does not serve, named or numbered; the served ones are listed.
  EXPECT_NE(refusal("errors LeaderAndIsr 6").find("'LeaderAndIsr' is not a Kafka API the embedded broker serves"),
            std::string::npos);
  EXPECT_NE(refusal("errors 4 6").find("Produce 0, Fetch 1"), std::string::npos);
  EXPECT_NE(refusal("errors Produce NOT_A_CODE").find("'NOT_A_CODE' is not a Kafka error code"), std::string::npos);
  EXPECT_NE(refusal("errors Produce 6,,7").find("'' is not a Kafka error code"), std::string::npos);
  EXPECT_NE(refusal("errors Produce 0").find("'0' is not a Kafka error code"), std::string::npos);  // no error
  EXPECT_NE(refusal("errors Produce _FAIL").find("'_FAIL' is not"), std::string::npos);  // librdkafka's own
  EXPECT_NE(refusal("errors Produce").find("usage: errors API ERR[,ERR...]"), std::string::npos);
  std::string burst = "errors Produce 6";
  for (int i = 0; i < 1000; ++i) burst += ",6";
  EXPECT_NE(refusal(burst).find("at most 1000 errors"), std::string::npos);
}

}  // namespace
}  // namespace e911::cli
