// `e911 audit query|show|report`: the auditors' questions to the journal's
// per-call rows (consumers/auditor/call_query.h), answered as JSON, CSV or
// text (call_rendering.h). Read-only: they never create a journal.

#include <initializer_list>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "cli/audit_journal_access.h"
#include "cli/audit_report_pdf.h"
#include "cli/audit_subcommands.h"
#include "cli/command_line.h"
#include "cli/options.h"
#include "common/timestamp.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/auditor_config.h"
#include "consumers/auditor/query/call_filter_params.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/query/call_rendering.h"

namespace e911::cli {

namespace {

using auditor::AuditStore;
using auditor::CallFilter;

constexpr const char* kQueryHelp =
    "usage: e911 audit query [--config FILE] [--store URL] [--from T] [--to T] [--site S]\n"
    "                        [--caller C] [--class emergency|test] [--dispatchable yes|no]\n"
    "                        [--notified yes|no] [--failed yes|no] [--escalated yes|no]\n"
    "                        [--elin E164] [--format json|jsonl|csv]\n"
    "                        [--limit N]"
    " [--cursor C | --all]\n"
    "\n"
    "Lists journaled calls, oldest first (calls whose own record is not journaled\n"
    "yet, only their alerts, come last), one page at a time; the next page's\n"
    "--cursor is printed on standard error. --all writes every page.\n"
    "\n"
    "  --from T, --to T    calls at or after T, before T: RFC 3339 with 'T'\n"
    "                      (2026-11-21T10:00:00Z) or a date, YYYY-MM-DD (UTC);\n"
    "                      --to DATE includes that whole day (as the HTTP API)\n"
    "  --site S            site id, exact\n"
    "  --caller C          user id, extension or callback number, exact; or a\n"
    "                      part of the caller's name, any case\n"
    "  --class C           emergency or test\n"
    "  --dispatchable yes|no   a dispatchable location was conveyed (no: not,\n"
    "                      or not known)\n"
    "  --notified yes|no   at least one alert was accepted by its channel\n"
    "  --failed yes|no     some alert was given up without delivery\n"
    "  --escalated yes|no  some alert was escalated (nobody acknowledged in time)\n"
    "  --elin E164         the calls conveyed that ELIN (+15125550190): whom\n"
    "                      callbacks to it reached\n"
    "  --format F          json (an array; default), jsonl (one call per line)\n"
    "                      or csv (RFC 4180; formula-safe for spreadsheets)\n"
    "  --limit N           calls per page, 1 to 1000 (default 100; 1000 with --all)\n"
    "  --cursor C          the page after the one that printed C\n"
    "  --all               every page, streamed\n";

constexpr const char* kShowHelp =
    "usage: e911 audit show CALL_ID [--config FILE] [--store URL] [--format text|json]\n"
    "\n"
    "One call's record: its facts, the location conveyed and its warnings in\n"
    "plain words, each recipient's alerts in time order (attempts, latency,\n"
    "errors, acknowledgement, escalation) and the journal entries they come\n"
    "from. Exit status 1 when the journal has no such call.\n"
    "\n"
    "  --format F          text (default) or json\n";

constexpr const char* kReportHelp =
    "usage: e911 audit report [--config FILE] [--store URL] [--from T] [--to T] [--site S]\n"
    "                         [--format text|json|csv]\n"
    "       e911 audit report --pdf FILE [--org NAME] [--paper a4|letter] [--stale-after D]\n"
    "                         [--config FILE] [--store URL] [--from T] [--to T] [--site S]\n"
    "\n"
    "The compliance report, overall and per site: emergency and test calls,\n"
    "emergency calls with a dispatchable location and notified (count and\n"
    "percentage), all alerts delivered, call-to-first-alert latency (p50, p95,\n"
    "max; nearest-rank), failed and escalated alerts. Default: all time.\n"
    "\n"
    "--pdf writes the report to file: the figures with charts (latency\n"
    "distribution, calls per day, dispatchable and notified per site), the\n"
    "users' registered locations at the period's end, the emergency calls not\n"
    "dispatchable or not notified and why (the first 200), the journal verified\n"
    "with the configuration's keys (head seq and hash, signing key ids) and the\n"
    "command to verify it again. Prints the file and a one-line summary; exit\n"
    "status 1 when the journal fails verification (the report says how).\n"
    "\n"
    "  --from T, --to T    as for `e911 audit query`\n"
    "  --site S            one site\n"
    "  --format F          text (default), json or csv\n"
    "  --pdf FILE          write the PDF report to FILE (replaced)\n"
    "  --org NAME          the organisation, on the report (default:\n"
    "                      auditor.report.organisation)\n"
    "  --paper P           a4 (default) or letter\n"
    "  --stale-after D     a registered location older than D at the period's\n"
    "                      end is stale: 12h (default, the registry's), 7d, ...\n";

// Reads the filter options of `names` that `opts` was given into
// `filter` (call_filter_params.h: the rules the HTTP API shares); an
// error names the option.
std::optional<std::string> read_filter(const Options& opts, std::initializer_list<std::string_view> names,
                                       CallFilter& filter) {
  std::map<std::string, std::string, std::less<>> given;
  for (const auto name : names) {
    if (const auto v = opts.value("--" + std::string(name))) given.emplace(std::string(name), *v);
  }
  const auto problem = auditor::read_call_filter(
      [&](std::string_view name) -> const std::string* {
        const auto it = given.find(name);
        return it == given.end() ? nullptr : &it->second;
      },
      names, filter);
  if (!problem) return std::nullopt;
  const auto option = "--" + problem->name;
  const auto got = ", got \"" + problem->value + "\"";
  switch (problem->kind) {
    case auditor::FilterProblem::Kind::not_a_time:
      return option + ": expected RFC 3339 (2026-11-21T10:00:00Z) or YYYY-MM-DD" + got;
    case auditor::FilterProblem::Kind::not_after:
      return std::string("--to: must be after --from");
    case auditor::FilterProblem::Kind::empty:
      return option + ": empty";
    case auditor::FilterProblem::Kind::not_a_class:
      return option + ": expected emergency or test" + got;
    case auditor::FilterProblem::Kind::not_a_bool:
      return option + ": expected yes or no" + got;
    case auditor::FilterProblem::Kind::not_e164:
      return option + ": " + problem->detail;
  }
  return option + ": not valid";
}

}  // namespace

int run_audit_query(Args args) {
  const std::string command = "query";
  const CommandLine line = audit_read_command_line(command, kQueryHelp, args,
                                              {"--config", "--store", "--from", "--to", "--site", "--caller", "--class",
                                               "--dispatchable", "--notified", "--failed", "--escalated", "--elin",
                                               "--format", "--limit",
                                               "--cursor"},
                                              {"--all"});
  if (const auto done = line.early_exit()) return *done;
  const Options& opts = line.options();
  CallFilter filter;
  if (const auto e =
          read_filter(opts,
                      {"from", "to", "site", "caller", "class", "dispatchable", "notified", "failed", "escalated", "elin"},
                      filter)) {
    return line.usage_error(*e);
  }
  const auto format = opts.value("--format").value_or("json");
  if (format != "json" && format != "jsonl" && format != "csv") {
    return line.usage_error("--format: expected json, jsonl or csv, got \"" + format + "\"");
  }
  const bool all = opts.flag("--all");
  auditor::PageRequest page;
  page.limit = all ? auditor::kMaxPageSize : auditor::kDefaultPageSize;
  if (const auto v = opts.value("--limit")) {
    const auto n = parse_whole_number(*v, 1, auditor::kMaxPageSize);
    if (!n) {
      return line.usage_error("--limit: expected 1 to " + std::to_string(auditor::kMaxPageSize) + ", got \"" + *v + "\"");
    }
    page.limit = static_cast<std::size_t>(*n);
  }
  if (const auto v = opts.value("--cursor")) {
    if (all) return line.usage_error("--cursor: not with --all (which writes every page)");
    page.cursor = *v;
  }

  auto store = open_store_to_read(opts, command);
  if (!store) return 2;
  try {
    auto result = auditor::query_calls(*store, filter, page);
    // Only the cursor and the limit can be wrong, and only the first page
    // can say so: nothing is written before.
    if (!result) return line.usage_error("--" + result.error().message);
    std::size_t written = 0;
    if (format == "json") std::cout << "[";
    if (format == "csv") std::cout << auditor::calls_csv_header();
    for (;;) {
      for (const auto& call : result->calls) {
        if (format == "csv") {
          std::cout << auditor::call_csv_row(call);
        } else if (format == "jsonl") {
          std::cout << auditor::call_json(call) << "\n";
        } else {
          std::cout << (written == 0 ? "\n" : ",\n") << auditor::call_json(call);
        }
        ++written;
      }
      std::cout.flush();
      page.cursor = result->next_cursor;
      if (page.cursor.empty() || !all) break;
      result = auditor::query_calls(*store, filter, page);
      if (!result) throw std::runtime_error(result.error().message);
    }
    if (format == "json") std::cout << (written == 0 ? "]\n" : "\n]\n");
    if (!page.cursor.empty()) std::cerr << "more calls: add --cursor " << page.cursor << "\n";
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "e911 audit query: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int run_audit_show(Args args) {
  const std::string command = "show";
  const CommandLine line = audit_read_command_line(command, kShowHelp, args, {"--config", "--store", "--format"}, {});
  if (const auto done = line.early_exit(/*positional_allowed=*/true)) return *done;
  const Options& opts = line.options();
  if (opts.positional().size() != 1) return line.usage_error("expected one CALL_ID");
  const auto& call_id = opts.positional()[0];
  if (call_id.empty()) return line.usage_error("CALL_ID: empty");
  const auto format = opts.value("--format").value_or("text");
  if (format != "text" && format != "json") {
    return line.usage_error("--format: expected text or json, got \"" + format + "\"");
  }
  auto store = open_store_to_read(opts, command);
  if (!store) return 2;
  try {
    const auto detail = auditor::call_detail(*store, call_id);
    if (!detail) {
      std::cerr << "e911 audit show: no call \"" << call_id << "\" in the journal\n";
      return 1;
    }
    std::cout << (format == "json" ? auditor::call_detail_json(*detail) : auditor::call_timeline_text(*detail));
  } catch (const std::exception& e) {
    std::cerr << "e911 audit show: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int run_audit_report(Args args) {
  const std::string command = "report";
  const CommandLine line =
      audit_read_command_line(command, kReportHelp, args,
                              {"--config", "--store", "--from", "--to", "--site", "--format", "--pdf", "--org",
                               "--paper", "--stale-after"},
                              {});
  if (const auto done = line.early_exit()) return *done;
  const Options& opts = line.options();
  CallFilter filter;
  if (const auto e = read_filter(opts, {"from", "to", "site"}, filter)) return line.usage_error(*e);
  if (const auto pdf = opts.value("--pdf")) {
    PdfReportRequest request;
    request.path = *pdf;
    if (request.path.empty()) return line.usage_error("--pdf: empty");
    if (opts.value("--format")) return line.usage_error("--format: not with --pdf (which writes a PDF file)");
    request.organisation = opts.value("--org").value_or("");
    const auto paper = opts.value("--paper").value_or("a4");
    const auto size = auditor::paper_size_named(paper);
    if (!size) return line.usage_error("--paper: expected a4 or letter, got \"" + paper + "\"");
    request.paper = *size;
    if (const auto v = opts.value("--stale-after")) {
      const auto d = parse_duration(*v);
      if (!d || *d <= 0) return line.usage_error("--stale-after: expected a duration (12h, 7d, 1h30m), got \"" + *v + "\"");
      request.stale_after = *d;
    }
    return write_pdf_report(opts, filter, request);
  }
  for (const auto* only_pdf : {"--org", "--paper", "--stale-after"}) {
    if (opts.value(only_pdf)) return line.usage_error(std::string(only_pdf) + ": only with --pdf");
  }
  const auto format = opts.value("--format").value_or("text");
  if (format != "text" && format != "json" && format != "csv") {
    return line.usage_error("--format: expected text, json or csv, got \"" + format + "\"");
  }
  auto store = open_store_to_read(opts, command);
  if (!store) return 2;
  try {
    const auto report = auditor::compliance_report(*store, filter);
    std::cout << (format == "json"  ? auditor::report_json(report)
                  : format == "csv" ? auditor::report_csv(report)
                                    : auditor::report_text(report));
  } catch (const std::exception& e) {
    std::cerr << "e911 audit report: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace e911::cli
