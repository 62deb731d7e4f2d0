#pragma once
// The control protocol of `e911 broker --control`: one command a line on
// standard input, one answer a line on standard output, "ok ..." or
// "error: <what is wrong>". The commands inject the broker faults of
// kafka::EmbeddedBroker (its header says what each one does to clients):
//
//   down ID                     broker ID down; its leadership moves on
//   up ID                       broker ID back (leadership stays)
//   leader TOPIC PARTITION ID   one partition's leader to broker ID
//   shuffle-leaders SEED        every leader to a live broker drawn from SEED
//   errors API ERR[,ERR...]     the next requests of Kafka API key API (a
//                               number or a name: Produce, Fetch,
//                               OffsetCommit...) fail with these error codes
//                               (numbers or names: NOT_LEADER_FOR_PARTITION)
//   status                      brokers up and down, partitions each leads
//
// parse_control_line() is pure; apply_control_command() changes the
// broker. Both are called from the one thread that reads standard input.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/kafka/embedded_broker.h"
#include "common/result.h"

namespace e911::cli {

struct BrokerControlCommand {
  enum class Kind { down, up, leader, shuffle_leaders, errors, status };
  Kind kind = Kind::status;
  int broker = 0;            // down, up, leader
  std::string topic{};       // leader
  int partition = 0;         // leader
  std::uint64_t seed = 0;    // shuffle-leaders
  std::int16_t api_key = 0;  // errors
  std::vector<int> errors{};  // errors: rd_kafka_resp_err_t codes, in order
};

// A line (without its newline) as a command, or what is wrong with it.
Result<BrokerControlCommand> parse_control_line(std::string_view line);

// Applies `command` and returns its answer line (without a newline).
std::string apply_control_command(kafka::EmbeddedBroker& broker, const BrokerControlCommand& command);

// parse_control_line() then apply_control_command(), or the parse error.
std::string answer_control_line(kafka::EmbeddedBroker& broker, std::string_view line);

}  // namespace e911::cli
