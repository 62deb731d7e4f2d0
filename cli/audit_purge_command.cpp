// `e911 audit purge`: removes calls past their retention period
// (retention.h), writing a journal.purge entry that accounts for them.

#include <iostream>
#include <string>

#include "cli/audit_journal_access.h"
#include "cli/audit_subcommands.h"
#include "cli/options.h"
#include "common/log.h"
#include "common/timestamp.h"
#include "consumers/auditor/journal/canonical_json.h"
#include "consumers/auditor/store/retention.h"

namespace e911::cli {
namespace {

constexpr const char* kUsage =
    "usage: e911 audit purge --config FILE --before-now [--store URL] [--dry-run] [--json]\n"
    "\n"
    "Removes calls whose retention has elapsed (auditor.retention.emergency_days,\n"
    "auditor.retention.test_days, counted back from now against each call's\n"
    "occurred_at): their journal entries and their call and alert rows, in one\n"
    "transaction that also writes a signed journal.purge entry listing what was\n"
    "removed, so `e911 audit verify` still passes. Registrations past the\n"
    "emergency retention go too, except each user's latest while it is in force.\n"
    "--before-now says so explicitly; --dry-run counts what would go and changes\n"
    "nothing.\n"
    "Needs the signing key, and on PostgreSQL the tables' owner (it lifts the\n"
    "append-only trigger inside its transaction).\n";

int fail(const std::string& why) {
  std::cerr << "e911 audit purge: " << why << "\n";
  return 2;
}

}  // namespace

int run_audit_purge(Args args) {
  Options opts(args, {"--config", "--store"}, {"--before-now", "--dry-run", "--json"});
  if (opts.help()) {
    std::cout << kUsage;
    return 0;
  }
  if (!opts.ok()) return fail(opts.error() + "\n" + kUsage);
  if (!opts.positional().empty()) return fail("unexpected argument " + opts.positional().front());
  if (!opts.flag("--before-now")) return fail("--before-now is required (purge what expired before now)\n" + std::string(kUsage));
  const bool dry_run = opts.flag("--dry-run");

  auto settings = audit_command_settings(opts, "purge", true);
  if (!settings) return 2;
  auto store = open_existing_audit_store(settings->settings, "purge");
  if (!store) return 2;

  auditor::PurgeRequest request;
  request.at = now_millis();
  request.cutoffs = auditor::retention_cutoffs(request.at, settings->settings.retention);
  request.dry_run = dry_run;
  auditor::PurgeOutcome outcome;
  try {
    outcome = auditor::purge_expired_calls(*store, request, *settings->settings.signer);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  if (!dry_run && !outcome.purge_entries.empty()) {
    Logger("audit-purge").info("purged expired calls", {{"calls", outcome.calls},
                                                         {"elin_lookups", outcome.lookups},
                                                         {"registrations", outcome.registrations},
                                                         {"entries", outcome.entries},
                                                         {"purge_seq", outcome.purge_entries.front().seq}});
  }

  if (opts.flag("--json")) {
    std::string out = "{\"alert_rows\":" + std::to_string(outcome.alert_rows) +
                      ",\"calls\":" + std::to_string(outcome.calls) + ",\"cutoffs\":{\"emergency\":";
    auditor::append_canonical_string(out, format_rfc3339(request.cutoffs.emergency));
    out += ",\"test\":";
    auditor::append_canonical_string(out, format_rfc3339(request.cutoffs.test));
    out += std::string("},\"dry_run\":") + (dry_run ? "true" : "false") +
           ",\"elin_lookups\":" + std::to_string(outcome.lookups) + ",\"entries\":" +
           std::to_string(outcome.entries) + ",\"gaps\":" + std::to_string(outcome.gaps.size()) +
           ",\"purge_seqs\":[";
    for (std::size_t i = 0; i < outcome.purge_entries.size(); ++i) {
      out += (i ? "," : "") + std::to_string(outcome.purge_entries[i].seq);
    }
    std::cout << out << "],\"registrations\":" << outcome.registrations << "}\n";
    return 0;
  }
  std::cout << (dry_run ? "would remove " : "removed ") << outcome.calls << " calls (" << outcome.entries
            << " journal entries in " << outcome.gaps.size() << " seq runs, " << outcome.alert_rows
            << " alert rows"
            << (outcome.lookups > 0 ? ", " + std::to_string(outcome.lookups) + " ELIN lookups that reached no call"
                                    : std::string())
            << (outcome.registrations > 0
                    ? ", " + std::to_string(outcome.registrations) + " registrations no longer in force"
                    : std::string())
            << "): emergency calls before " << format_rfc3339(request.cutoffs.emergency)
            << ", test calls before " << format_rfc3339(request.cutoffs.test) << "\n";
  for (const auto& e : outcome.purge_entries) {
    std::cout << "purge entry: seq " << e.seq << " " << e.hash << "\n";
  }
  return 0;
}

}  // namespace e911::cli
