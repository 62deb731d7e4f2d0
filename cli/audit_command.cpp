// `e911 audit <subcommand>`: what auditors run against the audit journal.

#include "cli/audit_subcommands.h"
#include "cli/commands.h"
#include "cli/subcommands.h"

namespace e911::cli {
namespace {

constexpr Subcommand kSubcommands[] = {
    {"query", "list calls: time range, site, caller, class, dispatchable, notified (JSON or CSV)", run_audit_query},
    {"show", "one call's record and timeline", run_audit_show},
    {"report", "compliance report per site and overall (text, JSON or CSV)", run_audit_report},
    {"registrations", "when each user last confirmed their location (text, JSON or CSV)", run_audit_registrations},
    {"verify", "recompute the hash chain and signatures; name the first bad entry", run_audit_verify},
    {"export", "write a verifiable bundle (JSON lines + manifest) or NENA i3 LogEvents", run_audit_export},
    {"purge", "remove calls past their retention period, writing a purge entry", run_audit_purge},
    {"serve", "serve the read-only HTTP API for auditors", run_audit_serve},
};

}  // namespace

int run_audit(Args args) {
  return run_subcommand({.program = "e911 audit",
                         .noun = "subcommand",
                         .entries = kSubcommands,
                         .name_width = 13,
                         .footer = "Each takes --config FILE (auditor.* keys, docs/auditor.md); run `e911 audit "
                                   "<subcommand> --help`."},
                        args);
}

}  // namespace e911::cli
