// The PDF writer (report/pdf_report.h) on a document made here: a long
// table continues across pages with its header on each, text stays
// extractable, and a path that cannot be written is named.

#include "consumers/auditor/report/pdf_report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "consumers/auditor/report/compliance_charts.h"
#include "tests/support/occurrences.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"

namespace e911::auditor {
namespace {

using test::occurrences;

TEST(PdfReport, ALongTableContinuesOnNewPagesWithItsHeader) {
  if (e911::test::run_command({"pdftotext", "-v"}).exit_code != 0) GTEST_SKIP() << "no pdftotext (poppler-utils)";
  ReportDocument doc;
  doc.title = "T";
  doc.running_head = "running head";
  doc.blocks.push_back({ReportBlock::Kind::heading, "A long table", {}, {}, {}});
  ReportBlock table{ReportBlock::Kind::table, {}, {}, {0.3, 0.7}, {}};
  table.rows.push_back({"HEADCALL", "HEADWHY"});
  for (int i = 0; i < 300; ++i) table.rows.push_back({"row-" + std::to_string(i), "a reason that is long enough to wrap, maybe"});
  doc.blocks.push_back(table);
  doc.blocks.push_back({ReportBlock::Kind::chart, {}, {}, {}, latency_histogram_chart(latency_histogram({1, 2000}))});
  doc.blocks.push_back({ReportBlock::Kind::monospace, std::string(200, 'f'), {}, {}, {}});

  e911::test::TempDir dir;
  const auto pdf = dir.path("t.pdf");
  const auto pages = write_report_pdf(doc, pdf, PaperSize::a4);
  EXPECT_GE(pages, 4u);
  const auto r = e911::test::run_command({"pdftotext", pdf, dir.path("t.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir.path("t.txt"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The header once on each page the table is on: all but perhaps the
  // last, which may hold only the chart and the line after it.
  const auto headers = occurrences(text, "HEADCALL");
  EXPECT_GE(headers, pages - 1);
  EXPECT_LE(headers, pages);
  EXPECT_EQ(occurrences(text, "row-299"), 1u);
  EXPECT_EQ(occurrences(text, "row-0"), 1u);
  EXPECT_EQ(occurrences(text, "running head - page "), pages);
  EXPECT_NE(text.find("page " + std::to_string(pages)), std::string::npos);
}

TEST(PdfReport, APathThatCannotBeWrittenIsNamed) {
  e911::test::TempDir dir;
  const auto path = dir.path("missing/r.pdf");
  try {
    write_report_pdf(ReportDocument{}, path, PaperSize::letter);
    FAIL() << "written";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot write " + path + ": No such file or directory");
  }
}

}  // namespace
}  // namespace e911::auditor
