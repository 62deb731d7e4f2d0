#pragma once
// What the `e911 audit` commands share: the auditor settings from
// --config (and --store), and the store they name, which must exist (a
// SQLite file that is not there is an error, not a new empty journal).
// Each prints "e911 audit <command>: <reason>" and returns nullopt/nullptr
// on an error (exit status 2). And the command line of the commands that
// only read (query, show, report, registrations).

#include <memory>
#include <optional>
#include <string>

#include "cli/command_line.h"
#include "cli/options.h"
#include "common/config.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/auditor_config.h"

namespace e911::cli {

struct AuditCommandSettings {
  Config config;
  auditor::AuditorSettings settings;
};

// --store URL with a password in it is refused: the command line is
// visible to every user of the machine. The error to print, or nullopt.
std::optional<std::string> store_option_error(const Options& opts);

// Also refuses such a --store.
std::optional<AuditCommandSettings> audit_command_settings(const Options& opts, const std::string& command,
                                                           bool need_signer);

std::unique_ptr<auditor::AuditStore> open_existing_audit_store(const auditor::AuditorSettings& settings,
                                                               const std::string& command);

// The command line of `e911 audit <command>` that reads the journal: its
// help is `help` and the store options' (--config, --store, which `valued`
// must list); a usage error is set apart from it by a blank line.
CommandLine audit_read_command_line(const std::string& command, const char* help, Args args,
                                    std::set<std::string_view> valued, std::set<std::string_view> flags);

// The store the configuration (or --store) names, to read; nullptr after
// printing why.
std::unique_ptr<auditor::AuditStore> open_store_to_read(const Options& opts, const std::string& command);

}  // namespace e911::cli
