// `e911 audit <subcommand>`: what auditors run against the audit journal.

#include <iostream>
#include <string_view>

#include "cli/audit_subcommands.h"
#include "cli/commands.h"

namespace e911::cli {
namespace {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  int (*run)(Args);
};

constexpr Subcommand kSubcommands[] = {
    {"query", "list calls: time range, site, caller, class, dispatchable, notified (JSON or CSV)", run_audit_query},
    {"show", "one call's record and timeline", run_audit_show},
    {"report", "compliance report per site and overall (text, JSON or CSV)", run_audit_report},
    {"verify", "recompute the hash chain and signatures; name the first bad entry", run_audit_verify},
    {"export", "write a verifiable bundle (JSON lines + manifest) or NENA i3 LogEvents", run_audit_export},
    {"purge", "remove calls past their retention period, writing a purge entry", run_audit_purge},
    {"serve", "serve the read-only HTTP API for auditors", run_audit_serve},
};

void usage(std::ostream& out) {
  out << "usage: e911 audit <subcommand> [options]\n\nsubcommands:\n";
  for (const auto& c : kSubcommands) {
    out << "  " << c.name << std::string(8 - c.name.size(), ' ') << c.summary << "\n";
  }
  out << "\nEach takes --config FILE (auditor.* keys, docs/auditor.md); run `e911 audit <subcommand> --help`.\n";
}

}  // namespace

int run_audit(Args args) {
  if (args.empty()) {
    usage(std::cerr);
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    usage(std::cout);
    return 0;
  }
  for (const auto& c : kSubcommands) {
    if (c.name == args[0]) return c.run(args.subspan(1));
  }
  std::cerr << "e911 audit: unknown subcommand '" << args[0] << "'\n";
  usage(std::cerr);
  return 2;
}

}  // namespace e911::cli
