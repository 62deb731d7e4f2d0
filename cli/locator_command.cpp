// e911 locator: the locator consumer against a Kafka cluster.

#include "cli/commands.h"
#include "cli/command_line.h"
#include "cli/configured_service.h"
#include "consumers/locator/locator_config.h"
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

}  // namespace

int run_locator(Args args) {
  const CommandLine command("locator", kHelp, args, {"--config", "--registry", "--metrics-port"}, {});
  return run_configured_service<locator::LocatorService>(
      command, "locator", locator::locator_config_keys(),
      {{"--registry", "locator.registry"}, {"--metrics-port", "metrics.port"}}, locator::locator_setup,
      /*reload_on_sighup=*/true);
}

}  // namespace e911::cli
