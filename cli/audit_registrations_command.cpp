// `e911 audit registrations`: when each user last confirmed their location
// (consumers/auditor/query/registration_query.h), as text, JSON or CSV.
// Read-only: it never creates a journal.

#include <iostream>
#include <optional>
#include <string>

#include "cli/audit_journal_access.h"
#include "cli/audit_subcommands.h"
#include "consumers/auditor/query/call_filter_params.h"
#include "consumers/auditor/query/registration_query.h"
#include "consumers/auditor/query/registration_rendering.h"

namespace e911::cli {
namespace {

constexpr const char* kHelp =
    "usage: e911 audit registrations [--config FILE] [--store URL] [--user ID]\n"
    "                                [--since T] [--until T] [--json | --csv]\n"
    "\n"
    "When each user last confirmed their location: the latest registration (or\n"
    "withdrawal) the auditor journaled from e911.location-updates for each user,\n"
    "by user id. With --user, that user's registrations and withdrawals, oldest\n"
    "first.\n"
    "\n"
    "  --user ID           one user's history\n"
    "  --since T, --until T  registered (or withdrawn) at or after T, before T:\n"
    "                      RFC 3339 with 'T' (2026-11-21T10:00:00Z) or a date,\n"
    "                      YYYY-MM-DD (UTC); --until DATE includes that whole day.\n"
    "                      Without --user: each user's latest in the range (with\n"
    "                      --until, as of then)\n"
    "  --json              a JSON array (default: a table)\n"
    "  --csv               CSV (RFC 4180; formula-safe for spreadsheets)\n";

// --since / --until by the rules `e911 audit query` and the HTTP API share.
std::optional<std::string> read_time(const Options& opts, const char* option, bool end_of_day,
                                     std::optional<EpochMillis>& out) {
  const auto v = opts.value(option);
  if (!v) return std::nullopt;
  out = auditor::parse_filter_time(*v, end_of_day);
  if (out) return std::nullopt;
  return std::string(option) + ": expected RFC 3339 (2026-11-21T10:00:00Z) or YYYY-MM-DD, got \"" + *v + "\"";
}

}  // namespace

int run_audit_registrations(Args args) {
  const std::string command = "registrations";
  const CommandLine line = audit_read_command_line(command, kHelp, args,
                                                   {"--config", "--store", "--user", "--since", "--until"},
                                                   {"--json", "--csv"});
  if (const auto done = line.early_exit()) return *done;
  const Options& opts = line.options();
  auditor::RegistrationFilter filter;
  if (const auto user = opts.value("--user")) {
    if (user->empty()) return line.usage_error("--user: empty");
    filter.user_id = *user;
  }
  if (const auto e = read_time(opts, "--since", false, filter.since)) return line.usage_error(*e);
  if (const auto e = read_time(opts, "--until", true, filter.until)) return line.usage_error(*e);
  if (filter.since && filter.until && *filter.until <= *filter.since) {
    return line.usage_error("--until: must be after --since");
  }
  const bool json = opts.flag("--json"), csv = opts.flag("--csv");
  if (json && csv) return line.usage_error("--json and --csv: choose one");

  auto store = open_store_to_read(opts, command);
  if (!store) return 2;
  try {
    auditor::PageRequest page;
    page.limit = auditor::kMaxPageSize;
    std::size_t written = 0;
    std::cout << (json ? "[" : csv ? auditor::registrations_csv_header() : auditor::registrations_text_header());
    for (;;) {
      auto result = auditor::query_registrations(*store, filter, page);
      if (!result) throw std::runtime_error(result.error().message);
      for (const auto& row : result->rows) {
        if (json) {
          std::cout << (written == 0 ? "\n" : ",\n") << auditor::registration_json(row);
        } else {
          std::cout << (csv ? auditor::registration_csv_row(row) : auditor::registration_text_line(row));
        }
        ++written;
      }
      std::cout.flush();
      if (result->next_cursor.empty()) break;
      page.cursor = result->next_cursor;
    }
    if (json) std::cout << (written == 0 ? "]\n" : "\n]\n");
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "e911 audit registrations: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace e911::cli
