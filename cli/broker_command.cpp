// e911 broker: an embedded Kafka broker (librdkafka's mock cluster) on
// loopback with the pipeline's topics, for demos, tests and trying kcat;
// with --control, broker faults commanded on standard input
// (cli/broker_control.h).

#include <pthread.h>

#include <charconv>
#include <csignal>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cli/broker_control_input.h"
#include "cli/commands.h"
#include "cli/command_line.h"
#include "cli/options.h"
#include "common/config.h"
#include "common/kafka/stop_signal.h"
#include "common/log.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/error.h"

namespace e911::cli {

namespace {
constexpr const char* kHelp =
    "usage: e911 broker [--partitions N] [--brokers N] [--topic NAME[:PARTITIONS]]...\n"
    "                   [--config FILE] [--control [--group NAME]...]\n"
    "\n"
    "Runs an in-process Kafka cluster (librdkafka's mock cluster, the real Kafka\n"
    "protocol on 127.0.0.1) with the pipeline's topics, until SIGTERM or SIGINT.\n"
    "The first line on standard output is the address clients connect to:\n"
    "\n"
    "  bootstrap.servers=127.0.0.1:PORT[,127.0.0.1:PORT...]\n"
    "\n"
    "e.g.  kcat -b 127.0.0.1:PORT -L\n"
    "Logs (JSON lines) go to standard error.\n"
    "\n"
    "  --partitions N            partitions of the call-events, location-updates and\n"
    "                            emergency-calls topics (default 3: a standby consumer\n"
    "                            can take over; the other topics have 1)\n"
    "  --brokers N               brokers in the cluster (default 1); topics are\n"
    "                            replicated min(N, 3) times\n"
    "  --topic NAME[:PARTITIONS] create another topic (default 1 partition);\n"
    "                            may be repeated\n"
    "  --config FILE             YAML configuration: topic names come from its\n"
    "                            topics section (and E911_TOPICS_* variables), group\n"
    "                            names from locator/notifier/auditor.group_id\n"
    "  --control                 read fault commands on standard input, one a line,\n"
    "                            and answer each with one line on standard output,\n"
    "                            'ok ...' or 'error: <what is wrong>' (the end of\n"
    "                            standard input stops the reading, not the broker):\n"
    "      down ID                     broker ID (1..N) down; the partitions it led\n"
    "                                  and the groups it coordinated move to the\n"
    "                                  next live broker (the last live one stays)\n"
    "      up ID                       broker ID back; leadership stays where it is\n"
    "      leader TOPIC PARTITION ID   move one partition's leader to broker ID\n"
    "      shuffle-leaders SEED        move every leader and coordinator to a live\n"
    "                                  broker drawn from SEED\n"
    "      errors API ERR[,ERR...]     the next requests of Kafka API key API\n"
    "                                  (Produce or 0, Fetch or 1, OffsetCommit or\n"
    "                                  8, Heartbeat or 12...) fail with these codes\n"
    "                                  (NOT_LEADER_FOR_PARTITION or 6, ...)\n"
    "      status                      brokers up and down, leaders, coordinators\n"
    "  --group NAME              with --control: a consumer group whose coordinator\n"
    "                            moves with the faults (the pipeline's three groups\n"
    "                            always do); may be repeated\n"
    "\n"
    "Limits of the embedded broker: nothing is persisted, about 5 MB is kept per\n"
    "partition, no log compaction, no SSL/SASL; clients should set a low\n"
    "fetch.wait.max.ms (e.g. -X fetch.wait.max.ms=5 for kcat).\n";

std::optional<int> parse_count(std::string_view text, int max) {
  const auto v = parse_whole_number(text, 1, static_cast<std::uint64_t>(max));
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

// --topic and --group may repeat, which Options does not keep: their
// values go to `repeated` (by option name), the other arguments to `rest`.
// Returns the option missing its value, if any.
std::optional<std::string> take_repeated(Args args, std::map<std::string, std::vector<std::string>>& repeated,
                                         std::vector<std::string_view>& rest) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    bool taken = false;
    for (const std::string_view name : {"--topic", "--group"}) {
      if (a == name) {
        if (i + 1 == args.size()) return std::string(name);
        repeated[std::string(name)].emplace_back(args[++i]);
        taken = true;
        break;
      }
      if (a.starts_with(name) && a.size() > name.size() && a[name.size()] == '=') {
        repeated[std::string(name)].emplace_back(a.substr(name.size() + 1));
        taken = true;
        break;
      }
    }
    if (!taken) rest.push_back(a);
  }
  return std::nullopt;
}

}  // namespace

int run_broker(Args args) {
  std::map<std::string, std::vector<std::string>> repeated;
  std::vector<std::string_view> rest;
  if (const auto missing = take_repeated(args, repeated, rest)) {
    return CommandLine("broker", kHelp, {}, {}, {}).usage_error("option " + *missing + " needs a value");
  }
  const CommandLine command("broker", kHelp, rest, {"--partitions", "--brokers", "--config"}, {"--control"});
  if (const auto done = command.early_exit()) return *done;
  const Options& opts = command.options();
  const bool control = opts.flag("--control");
  const auto& extra_topics = repeated["--topic"];
  std::vector<std::string> groups = repeated["--group"];
  if (!groups.empty() && !control) return command.usage_error("--group needs --control");
  const auto partitions = parse_count(opts.value("--partitions").value_or("3"), 10000);
  if (!partitions) return command.usage_error("--partitions must be a whole number from 1 to 10000");
  const auto brokers = parse_count(opts.value("--brokers").value_or("1"), 100);
  if (!brokers) return command.usage_error("--brokers must be a whole number from 1 to 100");

  std::vector<std::pair<std::string, int>> topics;
  ConfigLoadOptions load;
  load.file = opts.value("--config").value_or("");
  load.environment = ConfigLoadOptions::from_process_environment();
  const auto config = Config::load(load);
  if (!config) {
    std::cerr << "e911 broker: " << config.error().message << "\n";
    return 2;
  }
  const auto names = config->topics();
  // The pipeline's consumer groups, whose coordinators the faults move.
  groups.push_back(config->get_or("locator.group_id", "e911-locator"));
  groups.push_back(config->get_or("notifier.group_id", "e911-notifier"));
  groups.push_back(config->get_or("auditor.group_id", "e911-auditor"));
  topics = {{names.call_events, *partitions},
            {names.location_updates, *partitions},
            {names.emergency_calls, *partitions},
            {names.notifications, 1},
            {names.dead_letter, 1},
            {names.elin_assignments, 1},
            {names.elin_lookups, 1},
            {names.location_reminders, 1},
            {names.location_sightings, 1}};
  for (const auto& spec : extra_topics) {
    const auto colon = spec.rfind(':');
    std::string name = spec.substr(0, colon);
    int count = 1;
    if (colon != std::string::npos) {
      const auto n = parse_count(std::string_view(spec).substr(colon + 1), 10000);
      if (!n) return command.usage_error("--topic " + spec + ": PARTITIONS must be a whole number from 1 to 10000");
      count = *n;
    }
    if (name.empty()) return command.usage_error("--topic needs a NAME");
    topics.emplace_back(std::move(name), count);
  }

  // Before any thread exists: wait_for_stop_signal() is where they arrive.
  const sigset_t stop_signals = kafka::block_stop_signals();

  try {
    // The faults move leadership: they need to know who leads.
    kafka::EmbeddedBroker broker(*brokers, control ? kafka::EmbeddedBroker::Leaders::pinned
                                                   : kafka::EmbeddedBroker::Leaders::random);
    const int replication = std::min(*brokers, 3);
    std::string created;
    for (const auto& [name, count] : topics) {
      broker.create_topic(name, count, replication);
      created += (created.empty() ? "" : ",") + name + ":" + std::to_string(count);
    }
    if (control) {
      for (const auto& group : groups) broker.track_group(group);
    }
    std::cout << "bootstrap.servers=" << broker.bootstrap_servers() << std::endl;
    const Logger log("broker");
    log.info("embedded Kafka broker running until SIGTERM or SIGINT",
             {{"bootstrap_servers", broker.bootstrap_servers()}, {"brokers", *brokers}, {"topics", created},
              {"control", control}});
    const int signal = wait_for_stop_signal(stop_signals, control ? &broker : nullptr, log);
    log.info("stopping", {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
  } catch (const kafka::KafkaError& e) {
    std::cerr << "e911 broker: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace e911::cli
