// e911 locator: the locator consumer against a Kafka cluster.

#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/component_config.h"
#include "cli/options.h"
#include "common/config.h"
#include "common/kafka/stop_signal.h"
#include "common/log.h"
#include "common/observability/observability_server.h"
#include "common/reload_signal.h"
#include "consumers/locator/locator_service.h"

namespace e911::cli {

namespace {

constexpr const char* kHelp =
    "usage: e911 locator [--config FILE] [--registry FILE] [--metrics-port N]\n"
    "\n"
    "Consumes call events from Kafka, resolves every emergency and test call to\n"
    "a dispatchable location and produces it to the emergency-calls topic.\n"
    "Runs until SIGTERM or SIGINT (finishing in-flight work and committing);\n"
    "SIGHUP, or a change to the registry file, reloads the registry (an invalid\n"
    "file is reported and the previous registry stays in force).\n"
    "\n"
    "  --config FILE       YAML configuration (docs/operations.md): kafka.* goes to\n"
    "                      librdkafka as it is, topics.*, metrics.*, locator.*\n"
    "  --registry FILE     the site registry (overrides locator.registry)\n"
    "  --metrics-port N    port of /metrics and /healthz (overrides metrics.port;\n"
    "                      0 picks a free one)\n"
    "\n"
    "Environment overrides: E911_KAFKA_<PROPERTY> (E911_KAFKA_BOOTSTRAP_SERVERS),\n"
    "E911_LOCATOR_REGISTRY, E911_METRICS_PORT...; secrets as <key>.file or\n"
    "E911_..._FILE pointing at a file. Logs are JSON lines on standard error.\n";

int usage_error(const std::string& message) {
  std::cerr << "e911 locator: " << message << "\n" << kHelp;
  return 2;
}

}  // namespace

int run_locator(Args args) {
  Options opts(args, {"--config", "--registry", "--metrics-port"}, {});
  if (opts.help()) {
    std::cout << kHelp;
    return 0;
  }
  if (!opts.ok()) return usage_error(opts.error());
  if (!opts.positional().empty()) return usage_error("unexpected argument '" + opts.positional()[0] + "'");

  auto config = load_component_config(
      opts, "locator", {ConfigKey::text("locator.registry"), ConfigKey::text("locator.group_id", "e911-locator")},
      {{"--registry", "locator.registry"}, {"--metrics-port", "metrics.port"}});
  if (!config) return 2;
  const auto registry = config->get("locator.registry");
  if (!registry) return usage_error("no registry: give --registry FILE or set locator.registry");
  locator::LocatorServiceOptions options;
  options.kafka = config->kafka_properties();
  if (!options.kafka.count("bootstrap.servers")) {
    return usage_error(
        "kafka.bootstrap.servers is not set (the kafka: section of --config, or E911_KAFKA_BOOTSTRAP_SERVERS)");
  }
  options.topics = config->topics();
  options.group_id = config->get_or("locator.group_id", "e911-locator");
  options.registry_path = *registry;
  options.dead_letter_max_payload = static_cast<std::size_t>(config->get_int("dead_letter.max_payload_bytes"));

  const Logger log("locator");
  log.info("starting", {{"config", config->to_log_json()}});
  try {
    const auto& stop = kafka::install_stop_signal_handlers();
    install_reload_signal_handler();
    observability::MetricsRegistry metrics;
    locator::LocatorService service(options, metrics);
    observability::ObservabilityServer server(
        metrics, [&service] { return service.health(); },
        {config->get_or("metrics.bind", "127.0.0.1"), static_cast<std::uint16_t>(config->get_int("metrics.port"))});
    log.info("serving /metrics and /healthz", {{"bind", server.bind_address()}, {"port", server.port()}});
    service.run(stop);
  } catch (const std::exception& e) {
    log.error("locator stopped on an error", {{"error", e.what()}});
    std::cerr << "e911 locator: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace e911::cli
