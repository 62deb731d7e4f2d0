// `e911 audit report --pdf`, run as the binary against a SQLite journal
// (and one case against PostgreSQL): the PDF read back with poppler's
// pdftotext and rendered with pdftoppm. The pages are kept as PNGs in the
// build folder (artefacts/audit-report-pdf/) for a person to look at.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "consumers/auditor/store/audit_store.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/auditor/call_journal.h"
#include "tests/support/files.h"
#include "tests/support/postgres_server.h"

namespace e911 {
namespace {

using auditor::test::CallJournal;

std::string shell_arg(const std::string& s) { return test::shell_quoted(s); }

bool have_pdftotext() { return test::run_command({"pdftotext", "-v"}).exit_code == 0; }

void fill_november(CallJournal& j) {
  j.call({.call_id = "c-ok", .occurred_at = "2026-11-02T10:00:00.000Z", .site_id = "london-hq"});
  j.notification({.call_id = "c-ok", .list = "security", .name = "Desk", .address = "+447700900123", .channel = "sms",
                  .status = "delivered", .at = "2026-11-02T10:00:01.200Z", .latency_ms = 1200});
  j.call({.call_id = "c-nowhere", .occurred_at = "2026-11-05T12:30:00.000Z", .site_id = "austin-hq",
          .dispatchable = false, .warnings = {"unknown-network"}, .routing = "ecrc"});
  j.notification({.call_id = "c-nowhere", .list = "security", .name = "Desk", .address = "+15125550100",
                  .channel = "sms", .status = "sent", .at = "2026-11-05T12:30:40.000Z", .latency_ms = 40000});
  j.call({.call_id = "c-silent", .occurred_at = "2026-11-20T08:00:00.000Z", .site_id = "austin-hq"});
  j.call({.call_id = "c-test", .call_class = "test", .dialed = "933", .occurred_at = "2026-11-21T09:00:00.000Z",
          .site_id = "austin-hq"});
  j.call({.call_id = "c-december", .occurred_at = "2026-12-01T00:00:00.000Z", .site_id = "austin-hq",
          .dispatchable = false});
  j.registration({.user_id = "u-1", .event_id = "lu-1", .registered_at = "2026-11-30T09:00:00Z", .validated = false});
}

// The number of pixels of a binary PGM (P5, 8 bits) darker than near-white.
std::size_t dark_pixels(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  std::size_t width = 0, height = 0, max = 0;
  in >> magic >> width >> height >> max;
  in.get();
  if (magic != "P5" || max != 255) return 0;
  std::string pixels((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t dark = 0;
  for (const char p : pixels) dark += static_cast<unsigned char>(p) < 200 ? 1 : 0;
  return dark;
}

class AuditReportPdf : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_pdftotext()) GTEST_SKIP() << "no pdftotext (Debian package poppler-utils; ops/install-deps.sh)";
    db_ = dir_.file("audit.db");
    auditor::test::journal_into("sqlite:" + db_, fill_november);
    const auto secret = dir_.write("secret", auditor::test::secret(0) + "\n");
    config_ = dir_.write("e911.yaml", "auditor:\n  store: sqlite:" + db_ + "\n  signing: {key_id: k-query, secret: {file: " +
                                          secret + "}}\n");
  }
  test::CommandResult audit(const std::string& args) { return test::run_e911("audit " + args); }

  // The PDF's text, as pdftotext reads it (layout kept: one table row a line).
  std::string text_of(const std::string& pdf) {
    const auto txt = dir_.file("report.txt");
    const auto r = test::run_command({"pdftotext", "-layout", pdf, txt});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(txt);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  auditor::test::TempDir dir_;
  std::string db_, config_;
};

TEST_F(AuditReportPdf, WritesAReportWhoseTextAndPagesCanBeRead) {
  const auto pdf = dir_.file("november.pdf");
  const auto r = audit("report --config " + shell_arg(config_) + " --from 2026-11-01 --to 2026-11-30 --org " +
                       shell_arg("Example Corp") + " --pdf " + shell_arg(pdf));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.substr(0, pdf.size() + 1), pdf + "\n");
  EXPECT_NE(r.out.find("2026-11-01 to 2026-11-30 (UTC): 3 emergency calls, 66.7 % dispatchable, 66.7 % notified, "
                       "2 not dispatchable or not notified; journal intact ("),
            std::string::npos)
      << r.out;

  // The head the verify command prints is the one in the report.
  const auto verify = audit("verify --config " + shell_arg(config_));
  ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // "head: seq N <64 hex digits>", read without std::regex (GCC 12 warns
  // inside it under the sanitizers).
  const auto at = verify.out.find("head: seq ");
  ASSERT_NE(at, std::string::npos) << verify.out;
  auto end = verify.out.find(' ', at + 10);
  ASSERT_NE(end, std::string::npos) << verify.out;
  const std::string head_text = verify.out.substr(at, end + 1 + 64 - at);
  ASSERT_EQ(head_text.size(), end + 1 + 64 - at) << verify.out;
  ASSERT_EQ(head_text.find_first_not_of("0123456789abcdef", end + 1 - at), std::string::npos) << head_text;

  const auto text = text_of(pdf);
  for (const auto& expected :
       {std::string("Example Corp"), std::string("2026-11-01 to 2026-11-30 (UTC)"), std::string("austin-hq, london-hq"),
        std::string("2 (66.7 %)"), std::string("c-nowhere"), std::string("c-silent"),
        std::string("not dispatchable"), std::string("not notified"), head_text,
        std::string("k-query"), "e911 audit verify --config " + std::filesystem::path(config_).lexically_normal().string(),
        std::string("Calls per day"), std::string("30-60 s"), std::string("users with a registered location journaled: 1")}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  EXPECT_EQ(text.find("c-december"), std::string::npos);  // after the period

  // The pages as PNGs, kept in the build folder; each one drawn on.
  const auto artefacts = std::filesystem::path(test::e911_binary()).parent_path() / "artefacts" / "audit-report-pdf";
  std::filesystem::remove_all(artefacts);
  std::filesystem::create_directories(artefacts);
  auto png = test::run_command({"pdftoppm", "-png", "-r", "60", pdf, (artefacts / "page").string()});
  ASSERT_EQ(png.exit_code, 0) << png.err;
  auto pgm = test::run_command({"pdftoppm", "-gray", "-r", "30", pdf, dir_.file("page")});
  ASSERT_EQ(pgm.exit_code, 0) << pgm.err;
  std::size_t pages = 0;
  for (const auto& e : std::filesystem::directory_iterator(artefacts)) {
    if (e.path().extension() != ".png") continue;
    ++pages;
    EXPECT_GT(std::filesystem::file_size(e.path()), 1000u) << e.path();
  }
  EXPECT_GE(pages, 2u);  // the figures and charts, then the calls and the verification
  std::size_t grey = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.root())) {
    if (e.path().extension() != ".pgm") continue;
    ++grey;
    EXPECT_GT(dark_pixels(e.path().string()), 500u) << e.path() << ": a blank page";
  }
  EXPECT_EQ(grey, pages);
}

TEST_F(AuditReportPdf, BadRequestsAreNamed) {
  const std::vector<std::pair<std::string, std::string>> usage = {
      {"--pdf ''", "--pdf: empty"},
      {"--pdf x.pdf --paper legal", "--paper: expected a4 or letter, got \"legal\""},
      {"--pdf x.pdf --format csv", "--format: not with --pdf"},
      {"--pdf x.pdf --from 2026-13-01", "--from: expected RFC 3339"},
      {"--pdf x.pdf --stale-after soon", "--stale-after: expected a duration"},
      {"--org Example", "--org: only with --pdf"}};
  for (const auto& [args, message] : usage) {
    const auto r = audit("report --config " + shell_arg(config_) + " " + args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("e911 audit report: " + message), std::string::npos) << args << "\n" << r.err;
  }
  const auto r = audit("report --config " + shell_arg(config_) + " --pdf " + shell_arg(dir_.file("no-such-dir/x.pdf")));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("e911 audit report: cannot write " + dir_.file("no-such-dir/x.pdf") + ": No such file or directory"),
            std::string::npos)
      << r.err;
}

TEST_F(AuditReportPdf, WithoutKeysTheReportSaysItIsNotVerified) {
  const auto pdf = dir_.file("letter.pdf");
  const auto r = audit("report --store " + shell_arg("sqlite:" + db_) + " --paper letter --pdf " + shell_arg(pdf));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("all time: 4 emergency calls"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("; not verified"), std::string::npos) << r.out;
  const auto text = text_of(pdf);
  EXPECT_NE(text.find("Not verified: no verification keys"), std::string::npos) << text;
  EXPECT_NE(text.find("c-december"), std::string::npos);
  const auto info = test::run_command({"pdfinfo", pdf});
  EXPECT_NE(info.out.find("612 x 792 pts (letter)"), std::string::npos) << info.out;
}

TEST(AuditReportPdfPostgres, ReadsAPostgresqlJournal) {
  if (!have_pdftotext()) GTEST_SKIP() << "no pdftotext (Debian package poppler-utils)";
  if (test::PostgresServer::bin_dir().empty()) GTEST_SKIP() << auditor::test::kNoPostgres;
  const auto url = auditor::test::postgres_journal(fill_november);
  auditor::test::TempDir dir;
  const auto pdf = dir.file("pg.pdf");
  const auto r = test::run_e911("audit report --store " + shell_arg(url) + " --from 2026-11-01 --to 2026-11-30 --pdf " + shell_arg(pdf));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("3 emergency calls, 66.7 % dispatchable, 66.7 % notified, 2 not dispatchable or not notified"),
            std::string::npos)
      << r.out;
  const auto txt = dir.file("pg.txt");
  ASSERT_EQ(test::run_command({"pdftotext", pdf, txt}).exit_code, 0);
  std::ifstream in(txt);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("c-nowhere"), std::string::npos) << text;
  EXPECT_NE(text.find("e911 audit verify --config auditor.yaml --store"), std::string::npos) << text;
  test::PostgresServer::stop_shared();
}

}  // namespace
}  // namespace e911
