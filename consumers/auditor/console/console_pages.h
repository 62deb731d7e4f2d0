#pragma once
// The audit console's pages as HTML (docs/auditor.md, "Console"): pure
// functions from what the router (console_service.h) read from the store
// to a complete document. Every value shown goes through html_escape
// (common/text.h), attributes are always double-quoted, and no page has an
// inline script, style or event handler: the console's
// Content-Security-Policy forbids them, and the pages work without the
// small script (assets/console.js) at all.
//
// Links keep the filter: a page's parameters are written back into its
// links percent-encoded (net::link_with_query), so a filter survives paging and the CSV
// export is exactly the filtered list.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/net/query_link.h"
#include "common/net/query_params.h"
#include "consumers/auditor/console/console_access.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/report/compliance_overview.h"

namespace e911::auditor::console {

// The console's paths.
inline constexpr std::string_view kConsolePrefix = "/console";
inline constexpr std::string_view kSignInPath = "/console/sign-in";
inline constexpr std::string_view kSignOutPath = "/console/sign-out";
inline constexpr std::string_view kCallsPath = "/console/calls";
inline constexpr std::string_view kCallsCsvPath = "/console/calls.csv";
inline constexpr std::string_view kOverviewPath = "/console/overview";
inline constexpr std::string_view kOverviewPdfPath = "/console/overview.pdf";
inline constexpr std::string_view kIntegrityPath = "/console/integrity";
inline constexpr std::string_view kAssetsPath = "/console/assets/";
inline constexpr std::string_view kBundlePath = "/console/export/bundle.zip";
inline constexpr std::string_view kI3Path = "/console/export/log-events.jws";

// Which page the navigation marks as the current one.
enum class Section { none, calls, overview, integrity };

// A whole document: the head (the console's stylesheet and script, no
// other asset), the navigation and who is signed in (with the sign-out
// form and its CSRF token, unless the SSO proxy signed them in), then
// `body_html` in <main>. `viewer` null: the sign-in and error pages for
// no one yet.
std::string render_page(std::string_view title, Section section, const Viewer* viewer, std::string_view body_html);

// The sign-in form (an API token, posted with `csrf`), and `problem` above
// it when the last attempt failed.
std::string sign_in_body(std::string_view csrf, std::string_view problem);

// A page that says what went wrong ("No such call", a bad parameter named).
std::string message_body(std::string_view heading, std::string_view message);

struct CallsView {
  net::QueryParams params;  // the request's, as decoded (the filter, limit, cursor)
  std::vector<CallRow> calls;
  std::string next_cursor;  // empty: the last page
};
// The filter form (every filter of /v1/calls), the CSV export link of the
// same filter, the calls as a table (each linking to its page), and the
// next page's link.
std::string calls_body(const CallsView& view);

// How one entry checks on its own: its hash recomputed, its signature
// against the keyring (console/entry_check.h).
struct EntryCheck {
  bool ok = false;
  std::string problem;  // when not ok
};

struct CallView {
  CallDetail detail;
  std::vector<EntryCheck> checks;  // one per detail.entries
  // The journal's last verification (whole chain), if any.
  std::optional<VerifyResult> chain;
};
// One call: its facts, the location conveyed (source, address, warnings,
// the PIDF-LO readable and raw), each alert per recipient and channel
// (attempts, latency, outcome, escalation, acknowledgement), and the
// journal entries with their seq, hash and whether they verify.
std::string call_body(const CallView& view);

struct OverviewChart {
  std::string id;           // the figure's element id
  std::string caption;
  std::string svg;          // consumers/auditor/report/svg_chart.h: trusted markup, inserted as it is
  std::string description;  // the chart's numbers in words, shown beside it
};

struct OverviewView {
  net::QueryParams params;  // from, to, site
  ComplianceReport report;
  // Calls per day, the alert-latency distribution, % dispatchable and
  // notified by site (consumers/auditor/report/compliance_charts.h).
  std::vector<OverviewChart> charts;
  // The period's emergency calls not dispatchable or not notified, first
  // ones with why (report/overview_figures.h failing_reasons), and how many.
  std::vector<FailingCall> failing_calls;
  std::size_t failing_total = 0;
  // Users' registered locations at the period's end; auditors only (the
  // journal keeps registrations per user, not per site).
  std::optional<RegistrationStatus> registrations;
};
// The overview's three charts of `figures` (report/compliance_charts.h) as
// SVG: dispatchable and notified by site, alert latency, calls per day.
std::vector<OverviewChart> overview_charts(const ComplianceOverview& figures);

// The compliance figures for a period, per site and overall: charts with
// their numbers beside them, a table, the calls that fell short.
std::string overview_body(const OverviewView& view);

struct IntegrityView {
  net::QueryParams params;  // from, to: the period of the exports
  std::optional<VerifyResult> chain;  // the last verification
  EpochMillis verified_at = 0;
  std::int64_t head_seq = 0;  // the journal's last entry (0: empty)
  std::string head_hash;
  std::vector<std::string> key_ids;  // the keyring's
  bool may_export = false;           // the journal exports: auditors only
  bool may_export_i3 = false;        // ... and i3 LogEvents: auditor.console.i3_export
};
// The journal's verification status, its head, the key ids, and the
// exports of the period.
std::string integrity_body(const IntegrityView& view);

}  // namespace e911::auditor::console
