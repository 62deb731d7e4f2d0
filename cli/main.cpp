// e911: the emergency-call notification and compliance pipeline.
// One binary, one subcommand per task.

#include <cstring>
#include <iostream>
#include <string_view>
#include <vector>

#include "cli/commands.h"

namespace {

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(e911::cli::Args);
};

constexpr Command kCommands[] = {
    {"demo", "run the whole pipeline on an embedded broker with simulated traffic", e911::cli::run_demo},
    {"resolve", "resolve call events from standard input offline (JSON lines in, emergency calls out)",
     e911::cli::run_resolve},
    {"registry", "check or import the site registry (`e911 registry --help`)", e911::cli::run_registry},
    {"locator", "run the locator consumer against a Kafka cluster", e911::cli::run_locator},
    {"notifier", "run the notifier (e-mail, SMS and webhook alerts) against a Kafka cluster",
     e911::cli::run_notifier},
    {"auditor", "run the auditor (the tamper-evident compliance journal) against a Kafka cluster",
     e911::cli::run_auditor},
    {"audit", "query, report, export and verify the audit journal (`e911 audit --help`)", e911::cli::run_audit},
    {"broker", "run an embedded Kafka broker on loopback for demos and tests", e911::cli::run_broker},
    {"simulate", "write simulated call traffic as JSON lines (for resolve, kcat, tests)", e911::cli::run_simulate},
};

void usage(std::ostream& out) {
  out << "usage: e911 <command> [options]\n\ncommands:\n";
  for (const auto& c : kCommands) {
    out << "  " << c.name << std::string(10 - c.name.size(), ' ') << c.summary << "\n";
  }
  out << "\nRun `e911 <command> --help` for a command's options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(std::cout);
    return 0;
  }
  std::vector<std::string_view> args(argv + 2, argv + argc);
  for (const auto& c : kCommands) {
    if (c.name == name) return c.run(args);
  }
  std::cerr << "e911: unknown command '" << name << "'\n";
  usage(std::cerr);
  return 2;
}
