#include "cli/audit_journal_access.h"

#include <filesystem>
#include <iostream>

#include "cli/component_config.h"

namespace e911::cli {

namespace {

constexpr const char* kStoreHelp =
    "  --config FILE       YAML configuration: auditor.store (default\n"
    "                      sqlite:<state_dir>/audit.db), state_dir\n"
    "  --store URL         the journal's store, overriding auditor.store:\n"
    "                      sqlite:/path/audit.db or postgresql://user@host/db\n"
    "                      (the password from PGPASSWORD or ~/.pgpass)\n";

}  // namespace

std::optional<std::string> store_option_error(const Options& opts) {
  const auto store = opts.value("--store");
  if (!store) return std::nullopt;
  try {
    if (!auditor::parse_store_url(*store).secrets.empty()) {
      return std::string(
          "--store: the URL holds a password, and the command line is visible to every user of the machine; "
          "give it through PGPASSWORD or ~/.pgpass (or auditor.store in the configuration)");
    }
  } catch (const std::exception& e) {
    return std::string("--store: ") + e.what();
  }
  return std::nullopt;
}

std::optional<AuditCommandSettings> audit_command_settings(const Options& opts, const std::string& command,
                                                           bool need_signer) {
  if (const auto error = store_option_error(opts)) {
    std::cerr << "e911 audit " << command << ": " << *error << "\n";
    return std::nullopt;
  }
  auto config = load_component_config(opts, "audit " + command, auditor::auditor_config_keys(),
                                      {{"--store", "auditor.store"}});
  if (!config) return std::nullopt;
  auto settings = auditor::auditor_settings(*config, need_signer);
  if (!settings) {
    std::cerr << "e911 audit " << command << ": " << settings.error().message << "\n";
    return std::nullopt;
  }
  return AuditCommandSettings{std::move(*config), std::move(*settings)};
}

std::unique_ptr<auditor::AuditStore> open_existing_audit_store(const auditor::AuditorSettings& settings,
                                                               const std::string& command) {
  try {
    const auto location = auditor::parse_store_url(settings.store_url);
    if (location.kind == auditor::StoreLocation::Kind::sqlite && !std::filesystem::exists(location.target)) {
      std::cerr << "e911 audit " << command << ": no audit journal at " << location.display_name
                << " (auditor.store, or --store)\n";
      return nullptr;
    }
    return auditor::open_audit_store(settings.store_url);
  } catch (const std::exception& e) {
    std::cerr << "e911 audit " << command << ": " << e.what() << "\n";
    return nullptr;
  }
}

CommandLine audit_read_command_line(const std::string& command, const char* help, Args args,
                                    std::set<std::string_view> valued, std::set<std::string_view> flags) {
  return CommandLine("audit " + command, std::string(help) + kStoreHelp, args, std::move(valued), std::move(flags),
                     "\n\n");
}

std::unique_ptr<auditor::AuditStore> open_store_to_read(const Options& opts, const std::string& command) {
  const auto settings = audit_command_settings(opts, command, false);
  return settings ? open_existing_audit_store(settings->settings, command) : nullptr;
}

}  // namespace e911::cli
