// e911: the emergency-call notification and compliance pipeline.
// One binary, one subcommand per task.

#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/subcommands.h"

namespace {

constexpr e911::cli::Subcommand kCommands[] = {
    {"demo", "run the whole pipeline on an embedded broker with simulated traffic", e911::cli::run_demo},
    {"resolve", "resolve call events from standard input offline (JSON lines in, emergency calls out)",
     e911::cli::run_resolve},
    {"registry", "check or import the site registry (`e911 registry --help`)", e911::cli::run_registry},
    {"ingest", "turn SIP mirrored by proxies and platform webhooks into call events (`e911 ingest --help`)",
     e911::cli::run_ingest},
    {"locations", "the location service: employees register where they work; HELD for proxies "
                  "(`e911 locations --help`)",
     e911::cli::run_locations},
    {"locator", "run the locator consumer against a Kafka cluster", e911::cli::run_locator},
    {"notifier", "run the notifier (e-mail, SMS and webhook alerts) against a Kafka cluster",
     e911::cli::run_notifier},
    {"auditor", "run the auditor (the tamper-evident compliance journal) against a Kafka cluster",
     e911::cli::run_auditor},
    {"audit", "query, report, export and verify the audit journal (`e911 audit --help`)", e911::cli::run_audit},
    {"broker", "run an embedded Kafka broker on loopback for demos and tests", e911::cli::run_broker},
    {"simulate", "write simulated call traffic as JSON lines (for resolve, kcat, tests)", e911::cli::run_simulate},
    {"elin", "who a callback to an ELIN should reach now (`e911 elin lookup NUMBER`)", e911::cli::run_elin},
};

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  return e911::cli::run_subcommand({.program = "e911",
                                    .noun = "command",
                                    .entries = kCommands,
                                    .name_width = 10,
                                    .footer = "Run `e911 <command> --help` for a command's options."},
                                   args);
}
