#pragma once
// What the monthly compliance report says, in order, before it is laid out
// on pages (pdf_report.h): headings, paragraphs, monospace lines (hashes,
// commands), tables and charts, made from the compliance overview and the
// journal's verification. Pure: every decision about content (what is
// listed, how far, the words and numbers) is here and tested directly;
// the PDF writer only places and paginates.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "consumers/auditor/report/chart.h"
#include "consumers/auditor/report/compliance_overview.h"
#include "consumers/auditor/report/journal_verification.h"

namespace e911::auditor {

struct ReportBlock {
  enum class Kind { heading, paragraph, monospace, table, chart };
  Kind kind = Kind::paragraph;
  std::string text;                            // heading, paragraph, monospace
  std::vector<std::vector<std::string>> rows;  // table: the header row first
  std::vector<double> columns;                 // table: each column's share of the width (sum 1)
  Chart chart;                                 // chart
  bool header_row = true;                      // table: rows[0] is a header (bold, repeated on each page)
};

struct ReportDocument {
  std::string title;
  std::string running_head;  // each page's footer, before the page number
  std::vector<ReportBlock> blocks;
};

struct ReportContext {
  std::string organisation;  // empty: not given
  std::string store;         // the journal's name (never with a password)
  EpochMillis generated_at = 0;
  // nullopt: not verified, for the reason in not_verified.
  std::optional<JournalVerification> verification;
  std::string not_verified;
  std::string verify_command;  // as the user would run it, without secrets
  // The commands that list every failing call as CSV (emergency calls not
  // dispatchable; not notified).
  std::vector<std::string> csv_commands;
  // Whether the registered locations are reported: registrations are per
  // user, not per site, so a report made for a site lead leaves them out.
  bool registrations = true;
};

// "2026-11-01 to 2026-11-30 (UTC)": `to` is exclusive, so a period ending
// at a midnight ends the day before; "all time", "from ...", "until ...".
std::string period_text(const CallFilter& filter);

ReportDocument compliance_report_document(const ComplianceOverview& overview, const ReportContext& context);

}  // namespace e911::auditor
