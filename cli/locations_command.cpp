// `e911 locations`: the location service (docs/locations.md), `e911
// locations link USER` to make a user's personal link, and `e911 locations
// report` to list who is not confirmed and when they were reminded.

#include <iostream>
#include <string>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/component_config.h"
#include "cli/configured_service.h"
#include "cli/options.h"
#include "common/kafka/error.h"
#include "common/kafka/topic_reader.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "producers/locations/book_records.h"
#include "producers/locations/locations_config.h"
#include "producers/locations/locations_report.h"
#include "producers/locations/locations_service.h"
#include "producers/locations/personal_link.h"
#include "registry/registry_loader.h"

namespace e911::cli {
namespace {

constexpr const char* kRunHelp =
    "usage: e911 locations [--config FILE] [--registry FILE] [--port N] [--metrics-port N]\n"
    "       e911 locations link [--config FILE] [--days N] USER_ID\n"
    "       e911 locations report [--config FILE] [--json|--csv]\n"
    "\n"
    "Runs the location service: employees register and confirm where they work\n"
    "(the page at /, the API under /v1/me), admins list who is stale\n"
    "(/v1/admin/users), and each accepted registration is produced to the\n"
    "location-updates topic once Kafka has acknowledged it. Users are known by\n"
    "the SSO proxy's identity header (locations.identity.*) or a personal link.\n"
    "With locations.reminders.enabled, users whose registration is stale, missing\n"
    "or no longer matches their network or the registry get an e-mail with their\n"
    "personal link (locations.smtp.*), recorded on the location-reminders topic.\n"
    "Runs until SIGTERM or SIGINT; SIGHUP reloads the registry.\n"
    "\n"
    "  --config FILE        YAML configuration (docs/locations.md): kafka.* goes to\n"
    "                       librdkafka as it is, topics.*, metrics.*, locations.*\n"
    "  --registry FILE      the site registry (overrides locations.registry)\n"
    "  --port N             the API's port (overrides locations.http.port; 0 picks one)\n"
    "  --metrics-port N     port of /metrics and /healthz (overrides metrics.port)\n"
    "\n"
    "`link` prints USER_ID's personal link (locations.public_url/#link=...), valid\n"
    "for --days (default 14), signed with locations.link_secret.\n"
    "\n"
    "`report` reads the location-updates and location-reminders topics to their\n"
    "end and lists, with the registry (locations.registry), every user whose\n"
    "registration is not confirmed (stale, not-dispatchable, missing), since\n"
    "when, the site they registered from, and when they were last reminded and\n"
    "why: aligned columns, or --json (one object) or --csv (a header row).\n"
    "\n"
    "Secrets from files: locations.link_secret.file or E911_LOCATIONS_LINK_SECRET_FILE,\n"
    "locations.smtp.password.file or E911_LOCATIONS_SMTP_PASSWORD_FILE.\n"
    "Logs are JSON lines on standard error; they never hold an address.\n";

const std::vector<std::pair<const char*, const char*>> kOverrides = {
    {"--registry", "locations.registry"}, {"--port", "locations.http.port"}, {"--metrics-port", "metrics.port"}};

int run_link(Args args) {
  const CommandLine command("locations link", kRunHelp, args, {"--config", "--days"}, {});
  if (const auto done = command.early_exit(/*positional_allowed=*/true)) return *done;
  const Options& opts = command.options();
  if (opts.positional().size() != 1) return command.usage_error("give one USER_ID");
  auto config = load_component_config(opts, "locations link", locations::locations_config_keys(), {});
  if (!config) return 2;
  const auto secret = config->get_or("locations.link_secret", "");
  if (secret.size() < locations::kMinLinkSecretBytes)
    return command.config_error("locations.link_secret: not set, or shorter than " +
                               std::to_string(locations::kMinLinkSecretBytes) + " bytes");
  long days = 14;
  if (const auto d = opts.value("--days")) {
    try {
      days = std::stol(std::string(*d));
    } catch (const std::exception&) {
      days = 0;
    }
    if (days < 1 || days > 365) return command.usage_error("--days: expected 1 to 365");
  }
  const auto expires = now_millis() / 1000 + days * 86400;
  const std::string token = locations::sign_personal_link(secret, opts.positional()[0], expires);
  std::cout << locations::personal_link_url(config->get_or("locations.public_url", ""), token) << "\n";
  return 0;
}

int run_report(Args args) {
  const CommandLine command("locations report", kRunHelp, args, {"--config"}, {"--json", "--csv"});
  if (const auto done = command.early_exit()) return *done;
  const Options& opts = command.options();
  if (opts.flag("--json") && opts.flag("--csv")) return command.usage_error("give --json or --csv, not both");
  auto config = load_component_config(opts, "locations report", locations::locations_config_keys(), {});
  if (!config) return 2;
  if (const auto error = kafka_settings_error(*config)) return command.config_error(*error);
  const auto registry_path = config->get_or("locations.registry", "");
  if (registry_path.empty()) return command.config_error("locations.registry: required (the site registry)");
  const auto load = registry::load_registry_file(registry_path);
  if (!load.ok()) {
    for (const auto& d : load.errors) std::cerr << registry::format_diagnostic(registry_path, d) << "\n";
    return 2;
  }

  locations::RegistrationBook book;
  locations::LastReminders reminders;
  const auto topics = config->topics();
  const auto props = config->kafka_properties();
  std::string reading;
  try {
    reading = topics.location_updates;
    kafka::read_to_end(props, reading, [&](const kafka::Message& m) { locations::apply_location_update(book, m); });
    reading = topics.location_reminders;
    kafka::read_to_end(props, reading, [&](const kafka::Message& m) {
      if (auto record = locations::apply_reminder_record(book, m)) reminders.insert_or_assign(record->user_id, *record);
    });
  } catch (const kafka::KafkaError& e) {
    std::cerr << "e911 locations report: cannot read " << reading << ": " << e.what() << "\n";
    return 2;
  }
  const EpochMillis now = now_millis();
  const auto rows = locations::report_rows(book.snapshot(), reminders, *load.registry, now,
                                           config->get_int("locations.stale_after_hours") * 3'600'000);
  if (opts.flag("--json")) std::cout << locations::report_json(rows, now);
  else if (opts.flag("--csv")) std::cout << locations::report_csv(rows);
  else std::cout << locations::report_text(rows);
  return 0;
}

int run_service(Args args) {
  const CommandLine command("locations", kRunHelp, args, {"--config", "--registry", "--port", "--metrics-port"}, {});
  return run_configured_service<locations::LocationsService>(command, "locations", locations::locations_config_keys(),
                                                             kOverrides, locations::locations_setup,
                                                             /*reload_on_sighup=*/true);
}

}  // namespace

int run_locations(Args args) {
  if (!args.empty() && args[0] == "link") return run_link(args.subspan(1));
  if (!args.empty() && args[0] == "report") return run_report(args.subspan(1));
  return run_service(args);
}

}  // namespace e911::cli
