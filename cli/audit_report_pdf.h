#pragma once
// `e911 audit report --pdf FILE`: the monthly compliance report a
// compliance officer files (docs/auditor.md, "Monthly report (PDF)"): the
// compliance overview of the period, the journal verified with the
// configuration's keys, laid out as PDF. Prints the file's path and a
// one-line summary.

#include <optional>
#include <string>

#include "cli/options.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/report/pdf_report.h"

namespace e911::cli {

struct PdfReportRequest {
  std::string path;
  std::string organisation;  // --org; empty: not given
  auditor::PaperSize paper = auditor::PaperSize::a4;
  EpochMillis stale_after = 12 * 3'600'000;
};

// Exit status: 0 written, 1 the store or the file failed, 2 the
// configuration or store could not be opened (already printed).
int write_pdf_report(const Options& opts, const auditor::CallFilter& filter, const PdfReportRequest& request);

}  // namespace e911::cli
