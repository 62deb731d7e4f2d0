// e911 notifier: the notifier consumer against a Kafka cluster.

#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/component_config.h"
#include "cli/command_line.h"
#include "cli/options.h"
#include "common/config.h"
#include "common/log.h"
#include "common/service/service_runner.h"
#include "consumers/notifier/ack_server.h"
#include "consumers/notifier/notifier_config.h"
#include "consumers/notifier/notifier_service.h"

namespace e911::cli {

namespace {

constexpr const char* kHelp =
    "usage: e911 notifier [--config FILE] [--registry FILE] [--state-dir DIR] [--metrics-port N]\n"
    "\n"
    "Consumes emergency calls from Kafka and alerts every contact of the call's\n"
    "notification list by e-mail, SMS and webhook (Kari's Law notification),\n"
    "retrying, escalating to the registry's fallback list when a list cannot be\n"
    "reached or does not acknowledge, and recording every attempt on the\n"
    "notifications topic. Alert state (sent-log, retry queue) is kept in\n"
    "<state_dir>/notifier.db. Runs until SIGTERM or SIGINT; SIGHUP, or a change\n"
    "to the registry file, reloads the registry.\n"
    "\n"
    "  --config FILE       YAML configuration (docs/operations.md): kafka.*, topics.*,\n"
    "                      metrics.*, state_dir, notifier.*\n"
    "  --registry FILE     the site registry (overrides notifier.registry)\n"
    "  --state-dir DIR     where the alert state lives (overrides state_dir)\n"
    "  --metrics-port N    port of /metrics and /healthz (overrides metrics.port;\n"
    "                      0 picks a free one)\n"
    "\n"
    "Channels: notifier.email.transport (smtp|outbox), notifier.sms.transport\n"
    "(kannel|twilio|outbox), notifier.webhook.transport (http|outbox). Secrets\n"
    "(notifier.smtp.password, notifier.kannel.password, notifier.twilio.auth_token,\n"
    "notifier.webhook.secret, notifier.ack.secret) come from the environment\n"
    "(E911_NOTIFIER_SMTP_PASSWORD...) or files (<key>.file, E911_..._FILE), never\n"
    "from the command line. Logs are JSON lines on standard error.\n";

// The notifier and its acknowledgement endpoint, which is stopped first
// (it asks the notifier).
struct NotifierProcess final : service::Service {
  NotifierProcess(const notifier::NotifierServiceOptions& options, observability::MetricsRegistry& metrics)
      : notifier(options, metrics) {}
  ~NotifierProcess() override { ack.reset(); }
  void run(const std::atomic<bool>& stop) override { notifier.run(stop); }
  observability::HealthStatus health() const override { return notifier.health(); }
  bool started() const override { return notifier.started(); }
  bool has_partitions() const override { return notifier.has_partitions(); }

  notifier::NotifierService notifier;
  std::unique_ptr<notifier::AckServer> ack;
};

}  // namespace

int run_notifier(Args args) {
  const CommandLine command("notifier", kHelp, args, {"--config", "--registry", "--state-dir", "--metrics-port"}, {});
  if (const auto done = command.early_exit()) return *done;
  const Options& opts = command.options();

  auto config = load_component_config(opts, "notifier", notifier::notifier_config_keys(),
                                      {{"--registry", "notifier.registry"},
                                       {"--state-dir", "state_dir"},
                                       {"--metrics-port", "metrics.port"}});
  if (!config) return 2;
  if (const auto error = kafka_settings_error(*config)) return command.config_error(*error);
  auto setup = notifier::notifier_setup(*config);
  if (!setup) {
    std::cerr << "e911 notifier: " << setup.error().message << "\n";
    return 2;
  }

  const Logger log("notifier");
  log.info("starting", {{"config", config->to_log_json()}});
  return service::run_in_foreground(
      foreground_options("notifier", *config, /*reload_on_sighup=*/true),
      [&](observability::MetricsRegistry& metrics) -> std::unique_ptr<service::Service> {
        auto process = std::make_unique<NotifierProcess>(setup->service, metrics);
        if (setup->ack_server) {
          process->ack = std::make_unique<notifier::AckServer>(process->notifier, setup->ack);
          log.info("serving acknowledgement links", {{"bind", process->ack->bind_address()},
                                                     {"port", process->ack->port()},
                                                     {"base_url", setup->service.ack_base_url}});
        }
        if (!setup->outbox_dir.empty()) {
          log.warn("alerts on some channels go to the local outbox, not to people", {{"outbox", setup->outbox_dir}});
        }
        return process;
      });
}

}  // namespace e911::cli
