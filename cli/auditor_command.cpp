// e911 auditor: the auditor consumer (the compliance journal) against a
// Kafka cluster.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>
#include <string>

#include "cli/audit_journal_access.h"
#include "cli/commands.h"
#include "cli/component_config.h"
#include "cli/command_line.h"
#include "cli/options.h"
#include "common/config.h"
#include "common/log.h"
#include "common/service/service_runner.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/auditor_config.h"
#include "consumers/auditor/auditor_service.h"

namespace e911::cli {

namespace {

constexpr const char* kHelp =
    "usage: e911 auditor [--config FILE] [--state-dir DIR] [--store URL] [--metrics-port N]\n"
    "\n"
    "Consumes emergency calls and notification records from Kafka and journals\n"
    "each one in the audit journal: an append-only, hash-chained, signed record\n"
    "of every call, the location conveyed and every notification attempt and\n"
    "outcome (docs/auditor.md). Entries and the Kafka offsets they came from are\n"
    "written in one transaction, so after a crash or restart every record is in\n"
    "the journal exactly once. Records that cannot be journaled go to the\n"
    "dead-letter topic with the reason. Runs until SIGTERM or SIGINT.\n"
    "\n"
    "  --config FILE       YAML configuration (docs/operations.md): kafka.*, topics.*,\n"
    "                      metrics.*, state_dir, auditor.*\n"
    "  --state-dir DIR     where the default journal lives: sqlite:<DIR>/audit.db\n"
    "                      (overrides state_dir)\n"
    "  --store URL         the journal (overrides auditor.store): sqlite:/path/audit.db\n"
    "                      or postgresql://user@host:5432/db (no password here: use\n"
    "                      PGPASSWORD or ~/.pgpass)\n"
    "  --metrics-port N    port of /metrics and /healthz (overrides metrics.port;\n"
    "                      0 picks a free one)\n"
    "\n"
    "Signing: auditor.signing.algorithm (HS256|ES256|RS256), auditor.signing.key_id.\n"
    "Secrets come from files or the environment, never from the command line:\n"
    "auditor.signing.secret.file (HS256; or E911_AUDITOR_SIGNING_SECRET_FILE,\n"
    "E911_AUDITOR_SIGNING_SECRET), auditor.signing.private_key.file (ES256/RS256),\n"
    "auditor.signing.passphrase.file. Other keys: auditor.group_id, auditor.batch_max,\n"
    "auditor.store_retry.*, auditor.idle_transaction_timeout_s, auditor.keyring,\n"
    "auditor.verify.interval_s (how often the\n"
    "journal's chain and signatures are verified, exported as\n"
    "e911_auditor_chain_*; default 3600, 0: never). Logs are JSON lines on\n"
    "standard error.\n";

// The configuration for the start-up log line: the store by its name
// (never a password in a URL) and the passphrase redacted whatever its
// source.
std::string config_for_log(const Config& config, const std::string& store_name) {
  rapidjson::Document doc;
  const auto json = config.to_log_json();
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return "{}";
  auto& a = doc.GetAllocator();
  if (doc.HasMember("auditor.store")) doc["auditor.store"].SetString(store_name.c_str(), a);
  if (doc.HasMember("auditor.signing.passphrase")) doc["auditor.signing.passphrase"].SetString("[redacted]", a);
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  doc.Accept(w);
  return out.GetString();
}

}  // namespace

int run_auditor(Args args) {
  const CommandLine command("auditor", kHelp, args, {"--config", "--state-dir", "--store", "--metrics-port"}, {});
  if (const auto done = command.early_exit()) return *done;
  const Options& opts = command.options();
  if (const auto error = store_option_error(opts)) return command.usage_error(*error);

  auto config = load_component_config(opts, "auditor", auditor::auditor_config_keys(),
                                      {{"--state-dir", "state_dir"},
                                       {"--store", "auditor.store"},
                                       {"--metrics-port", "metrics.port"}});
  if (!config) return 2;
  if (const auto error = kafka_settings_error(*config)) return command.config_error(*error);
  auto settings = auditor::auditor_settings(*config, /*need_signer=*/true);
  if (!settings) {
    std::cerr << "e911 auditor: " << settings.error().message << "\n";
    return 2;
  }
  std::string store_name;
  try {
    store_name = auditor::parse_store_url(settings->store_url).display_name;
  } catch (const std::exception& e) {
    std::cerr << "e911 auditor: auditor.store: " << e.what() << "\n";
    return 2;
  }

  const Logger log("auditor");
  log.info("starting", {{"config", config_for_log(*config, store_name)}});
  auditor::AuditorServiceOptions options;
  options.kafka = config->kafka_properties();
  options.topics = config->topics();
  options.group_id = settings->group_id;
  options.instance_id = config->instance_id("auditor");
  options.batch_max = settings->batch_max;
  options.store_retry = settings->store_retry;
  options.chain_watch = {settings->verify_interval, settings->keyring};
  options.dead_letter_max_payload = static_cast<std::size_t>(config->get_int("dead_letter.max_payload_bytes"));
  auditor::AuditStoreOptions store_options;
  store_options.idle_transaction_timeout_s = settings->idle_transaction_timeout_s;
  return service::run_in_foreground(
      foreground_options("auditor", *config, /*reload_on_sighup=*/false),
      [&](observability::MetricsRegistry& metrics) {
        auto service = std::make_unique<auditor::AuditorService>(options, auditor::store_opener(settings->store_url, store_options),
                                                                 *settings->signer, metrics);
        if (service->store_name().empty()) {
          std::cout << "e911 auditor: journal unreachable; waiting for it" << std::endl;
        } else {
          std::cout << "e911 auditor: journal " << service->store_name() << " (last seq "
                    << service->stats().last_seq << ")" << std::endl;
        }
        return service;
      },
      [](const observability::ObservabilityServer& server) {
        std::cout << "e911 auditor: metrics on " << server.bind_address() << ":" << server.port() << std::endl;
      });
}

}  // namespace e911::cli
