// e911 broker: an embedded Kafka broker (librdkafka's mock cluster) on
// loopback with the pipeline's topics, for demos, tests and trying kcat.

#include <pthread.h>

#include <charconv>
#include <csignal>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

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
    "                   [--config FILE]\n"
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
    "                            topics section (and E911_TOPICS_* variables)\n"
    "\n"
    "Limits of the embedded broker: nothing is persisted, about 5 MB is kept per\n"
    "partition, no log compaction, no SSL/SASL; clients should set a low\n"
    "fetch.wait.max.ms (e.g. -X fetch.wait.max.ms=5 for kcat).\n";

std::optional<int> parse_count(std::string_view text, int max) {
  const auto v = parse_whole_number(text, 1, static_cast<std::uint64_t>(max));
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

}  // namespace

int run_broker(Args args) {
  // --topic may repeat, which Options does not keep: take those out first.
  std::vector<std::string> extra_topics;
  std::vector<std::string_view> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--topic") {
      if (i + 1 == args.size()) return CommandLine("broker", kHelp, {}, {}, {}).usage_error("option --topic needs a value");
      extra_topics.emplace_back(args[++i]);
    } else if (a.starts_with("--topic=")) {
      extra_topics.emplace_back(a.substr(8));
    } else {
      rest.push_back(a);
    }
  }
  const CommandLine command("broker", kHelp, rest, {"--partitions", "--brokers", "--config"}, {});
  if (const auto done = command.early_exit()) return *done;
  const Options& opts = command.options();

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

  // Before any thread exists: sigwait() below is where they arrive.
  const sigset_t stop_signals = kafka::block_stop_signals();

  try {
    kafka::EmbeddedBroker broker(*brokers);
    const int replication = std::min(*brokers, 3);
    std::string created;
    for (const auto& [name, count] : topics) {
      broker.create_topic(name, count, replication);
      created += (created.empty() ? "" : ",") + name + ":" + std::to_string(count);
    }
    std::cout << "bootstrap.servers=" << broker.bootstrap_servers() << std::endl;
    const Logger log("broker");
    log.info("embedded Kafka broker running until SIGTERM or SIGINT",
             {{"bootstrap_servers", broker.bootstrap_servers()}, {"brokers", *brokers}, {"topics", created}});
    int signal = 0;
    while (sigwait(&stop_signals, &signal) != 0) {
    }
    log.info("stopping", {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
  } catch (const kafka::KafkaError& e) {
    std::cerr << "e911 broker: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace e911::cli
