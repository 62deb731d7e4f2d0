#include "cli/broker_control.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "cli/options.h"
#include "common/split_fields.h"

namespace e911::cli {
namespace {

using Kind = BrokerControlCommand::Kind;

// The request types librdkafka 2.0.2's mock cluster serves (its
// rd_kafka_mock_api_handlers): errors pushed for any other key would wait
// for a request that never comes.
struct ApiKey {
  std::int16_t key;
  std::string_view name;
};
constexpr std::array<ApiKey, 17> kServedApiKeys{{{0, "Produce"},
                                                 {1, "Fetch"},
                                                 {2, "ListOffsets"},
                                                 {3, "Metadata"},
                                                 {8, "OffsetCommit"},
                                                 {9, "OffsetFetch"},
                                                 {10, "FindCoordinator"},
                                                 {11, "JoinGroup"},
                                                 {12, "Heartbeat"},
                                                 {13, "LeaveGroup"},
                                                 {14, "SyncGroup"},
                                                 {18, "ApiVersion"},
                                                 {22, "InitProducerId"},
                                                 {24, "AddPartitionsToTxn"},
                                                 {25, "AddOffsetsToTxn"},
                                                 {26, "EndTxn"},
                                                 {28, "TxnOffsetCommit"}}};
// A burst longer than this is a typo, not a fault.
constexpr std::size_t kMaxErrors = 1000;
constexpr std::string_view kCommands = "down ID, up ID, leader TOPIC PARTITION ID, shuffle-leaders SEED, "
                                       "errors API ERR[,ERR...], status";

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) ==
                                                std::tolower(static_cast<unsigned char>(y)); });
}

std::optional<ApiKey> api_key(std::string_view text) {
  const auto number = parse_whole_number(text, 0, 32767);
  for (const auto& k : kServedApiKeys) {
    if (number ? *number == static_cast<std::uint64_t>(k.key) : same_name(text, k.name)) return k;
  }
  return std::nullopt;
}

std::string_view api_name(std::int16_t key) {
  for (const auto& k : kServedApiKeys) {
    if (k.key == key) return k.name;
  }
  return "?";
}

// Broker error codes (a name as librdkafka spells it without ERR_, or a
// number), and _TRANSPORT, on which the mock drops the connection. The
// other local codes (negative) are librdkafka's own, never a broker's.
std::optional<int> error_code(std::string_view text) {
  const struct rd_kafka_err_desc* descs = nullptr;
  std::size_t count = 0;
  rd_kafka_get_err_descs(&descs, &count);
  const auto number = parse_whole_number(text, 1, 32767);
  for (std::size_t i = 0; i < count; ++i) {
    const auto& d = descs[i];
    if (!d.name || !d.desc || (d.code <= 0 && d.code != RD_KAFKA_RESP_ERR__TRANSPORT)) continue;
    if (number ? *number == static_cast<std::uint64_t>(d.code) : same_name(text, d.name)) return d.code;
  }
  return std::nullopt;
}

Result<int> broker_id(std::string_view text) {
  if (const auto id = parse_whole_number(text, 1, 10000)) return static_cast<int>(*id);
  return Error{"broker ID must be a whole number from 1, not '" + std::string(text) + "'"};
}

Result<BrokerControlCommand> parse_errors(std::string_view api, std::string_view list) {
  BrokerControlCommand c{.kind = Kind::errors};
  const auto key = api_key(api);
  if (!key) {
    std::string served;
    for (const auto& k : kServedApiKeys) served += (served.empty() ? "" : ", ") + std::string(k.name) + " " + std::to_string(k.key);
    return Error{"'" + std::string(api) + "' is not a Kafka API the embedded broker serves (" + served + ")"};
  }
  c.api_key = key->key;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = std::min(list.find(',', start), list.size());
    const auto item = list.substr(start, comma - start);
    const auto code = error_code(item);
    if (!code) {
      return Error{"'" + std::string(item) + "' is not a Kafka error code (a broker error's name, e.g. "
                   "NOT_LEADER_FOR_PARTITION, or its number; or _TRANSPORT to drop the connection)"};
    }
    c.errors.push_back(*code);
    if (c.errors.size() > kMaxErrors) return Error{"at most " + std::to_string(kMaxErrors) + " errors at once"};
    start = comma + 1;
  }
  return c;
}

std::string describe(const std::vector<kafka::EmbeddedBroker::Move>& moves) {
  std::string out;
  for (const auto& m : moves) {
    out += (out.empty() ? "" : " ") + m.what + ":" + std::to_string(m.from) + "->" + std::to_string(m.to);
  }
  return out.empty() ? "none" : out;
}

std::string ids(const std::vector<int>& list) {
  std::string out;
  for (const int id : list) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out.empty() ? "none" : out;
}

std::string status(const kafka::EmbeddedBroker& broker) {
  std::vector<int> up, down;
  std::string leaders, groups;
  for (const auto& [id, count] : broker.leader_counts()) {
    (broker.is_up(id) ? up : down).push_back(id);
    leaders += (leaders.empty() ? "" : " ") + std::to_string(id) + ":" + std::to_string(count);
  }
  for (const auto& [group, id] : broker.coordinators()) {
    groups += (groups.empty() ? "" : " ") + group + ":" + std::to_string(id);
  }
  return "ok up " + ids(up) + "; down " + ids(down) + "; leaders " + leaders + "; coordinators " +
         (groups.empty() ? "none" : groups);
}

}  // namespace

Result<BrokerControlCommand> parse_control_line(std::string_view line) {
  const auto w = split_fields(line, " \t\n\v\f\r");  // std::isspace's set
  if (w.empty()) return Error{"empty line (commands: " + std::string(kCommands) + ")"};
  const auto arity = [&](std::size_t n, std::string_view usage) -> std::optional<Error> {
    if (w.size() == n + 1) return std::nullopt;
    return Error{"usage: " + std::string(usage)};
  };
  const std::string_view verb = w[0];
  if (verb == "down" || verb == "up") {
    if (auto e = arity(1, verb == "down" ? "down ID" : "up ID")) return *e;
    const auto id = broker_id(w[1]);
    if (!id) return id.error();
    return BrokerControlCommand{.kind = verb == "down" ? Kind::down : Kind::up, .broker = *id};
  }
  if (verb == "leader") {
    if (auto e = arity(3, "leader TOPIC PARTITION ID")) return *e;
    const auto partition = parse_whole_number(w[2], 0, 1000000);
    if (!partition) return Error{"PARTITION must be a whole number from 0, not '" + std::string(w[2]) + "'"};
    const auto id = broker_id(w[3]);
    if (!id) return id.error();
    return BrokerControlCommand{
        .kind = Kind::leader, .broker = *id, .topic = std::string(w[1]), .partition = static_cast<int>(*partition)};
  }
  if (verb == "shuffle-leaders") {
    if (auto e = arity(1, "shuffle-leaders SEED")) return *e;
    const auto seed = parse_whole_number(w[1]);
    if (!seed) return Error{"SEED must be a whole number, not '" + std::string(w[1]) + "'"};
    return BrokerControlCommand{.kind = Kind::shuffle_leaders, .seed = *seed};
  }
  if (verb == "errors") {
    if (auto e = arity(2, "errors API ERR[,ERR...]")) return *e;
    return parse_errors(w[1], w[2]);
  }
  if (verb == "status") {
    if (auto e = arity(0, "status")) return *e;
    return BrokerControlCommand{.kind = Kind::status};
  }
  return Error{"unknown command '" + std::string(verb) + "' (commands: " + std::string(kCommands) + ")"};
}

std::string apply_control_command(kafka::EmbeddedBroker& broker, const BrokerControlCommand& c) {
  const std::string id = std::to_string(c.broker);
  switch (c.kind) {
    case Kind::down: {
      const auto moves = broker.take_down(c.broker);
      if (!moves) return "error: " + moves.error().message;
      return "ok broker " + id + " down; moved " + describe(*moves);
    }
    case Kind::up:
      if (const auto e = broker.bring_up(c.broker)) return "error: " + e->message;
      return "ok broker " + id + " up";
    case Kind::leader: {
      const auto move = broker.move_leader(c.topic, c.partition, c.broker);
      if (!move) return "error: " + move.error().message;
      return "ok moved " + describe({*move});
    }
    case Kind::shuffle_leaders: {
      const auto moves = broker.shuffle_leaders(c.seed);
      if (!moves) return "error: " + moves.error().message;
      return "ok moved " + describe(*moves);
    }
    case Kind::errors: {
      broker.fail_next_requests(c.api_key, c.errors);
      std::string names;
      for (const int e : c.errors) {
        names += (names.empty() ? "" : ",") + std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(e)));
      }
      return "ok the next " + std::to_string(c.errors.size()) + " " + std::string(api_name(c.api_key)) +
             " requests fail: " + names;
    }
    case Kind::status:
      return status(broker);
  }
  return "error: unhandled command";
}

std::string answer_control_line(kafka::EmbeddedBroker& broker, std::string_view line) {
  const auto command = parse_control_line(line);
  if (!command) return "error: " + command.error().message;
  return apply_control_command(broker, *command);
}

}  // namespace e911::cli
