#pragma once
// The compliance report (report_document.h) laid out on PDF pages with
// cairo and pango (docs/decisions/0011-report-pdf-with-cairo-and-pango.md):
// text set with real fonts (embedded, subset), so it can be selected and
// extracted (pdftotext); charts drawn as vectors from the same shapes as
// their SVG (chart.h); tables that continue across pages, repeating their
// header; a footer with the running head and the page number on every
// page. The edge between the pure report and the file.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "consumers/auditor/report/report_document.h"

namespace e911::auditor {

enum class PaperSize { a4, letter };

// The paper named "a4" or "letter" (as `--paper` and the console's `paper`
// take it); nullopt for anything else.
std::optional<PaperSize> paper_size_named(std::string_view name);

// The PDF of `document`, and how many pages it has in `pages` (when
// given). Throws std::runtime_error with cairo's reason.
std::string report_pdf(const ReportDocument& document, PaperSize paper, std::size_t* pages = nullptr);

// Writes `document` to `path` (replacing it) and returns how many pages it
// has. Throws std::runtime_error naming the path and the reason ("cannot
// write /x/report.pdf: Permission denied").
std::size_t write_report_pdf(const ReportDocument& document, const std::string& path, PaperSize paper);

}  // namespace e911::auditor
