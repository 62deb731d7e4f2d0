// What the PDF report says (report/report_document.h), before layout.

#include "consumers/auditor/report/report_document.h"

#include <gtest/gtest.h>

#include <string>

namespace e911::auditor {
namespace {

EpochMillis time_of(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

// Every text of the document, one per line, tables cell by cell.
std::string all_text(const ReportDocument& doc) {
  std::string out;
  for (const auto& b : doc.blocks) {
    out += b.text + "\n";
    for (const auto& row : b.rows) {
      for (const auto& cell : row) out += cell + " | ";
      out += "\n";
    }
    if (b.kind == ReportBlock::Kind::chart) out += "[chart " + b.chart.title + "]\n";
  }
  return out;
}

ComplianceOverview overview_with_failing(std::size_t listed, std::size_t total) {
  ComplianceOverview o;
  o.report.filter.from = time_of("2026-11-01T00:00:00Z");
  o.report.filter.to = time_of("2026-12-01T00:00:00Z");
  o.report.overall.emergency_calls = 10;
  o.report.overall.dispatchable = 9;
  o.report.overall.notified = 10;
  ComplianceFigures s;
  s.site_id = "austin\nFORGED LINE";
  s.emergency_calls = 10;
  o.report.sites.push_back(s);
  for (std::size_t i = 0; i < listed; ++i) {
    FailingCall f;
    f.call.call_id = "c-" + std::to_string(i);
    f.call.occurred_at = time_of("2026-11-02T10:00:00Z");
    f.reasons = {"not dispatchable (location source none, routed ecrc)"};
    o.failing_calls.push_back(f);
  }
  o.failing_total = total;
  o.latency_histogram = latency_histogram({});
  return o;
}

ReportContext context() {
  ReportContext c;
  c.organisation = "Example Corp";
  c.store = "sqlite:/var/lib/e911/audit.db";
  c.generated_at = time_of("2026-12-01T06:00:00Z");
  c.verify_command = "e911 audit verify --config /etc/e911/auditor.yaml";
  c.csv_commands = {"e911 audit query ... --dispatchable no --format csv --all",
                    "e911 audit query ... --notified no --format csv --all"};
  JournalVerification v;
  v.result.ok = true;
  v.result.entries = 42;
  v.result.last_seq = 42;
  v.result.last_hash = std::string(64, 'a');
  v.key_ids = {"k-2025", "k-2026"};
  c.verification = v;
  return c;
}

TEST(ReportDocument, PeriodsInWords) {
  CallFilter f;
  EXPECT_EQ(period_text(f), "all time");
  f.from = time_of("2026-11-01T00:00:00Z");
  f.to = time_of("2026-12-01T00:00:00Z");
  EXPECT_EQ(period_text(f), "2026-11-01 to 2026-11-30 (UTC)");
  f.to = time_of("2026-11-15T12:00:00Z");
  EXPECT_EQ(period_text(f), "2026-11-01 to 2026-11-15T12:00:00.000Z (exclusive) (UTC)");
  f.from.reset();
  EXPECT_EQ(period_text(f), "until 2026-11-15T12:00:00.000Z (exclusive) (UTC)");
}

TEST(ReportDocument, SaysTheFiguresTheFailingCallsAndTheVerification) {
  const auto doc = compliance_report_document(overview_with_failing(2, 2), context());
  const auto text = all_text(doc);
  for (const auto* expected :
       {"Organisation | Example Corp", "Period | 2026-11-01 to 2026-11-30 (UTC)", "overall | 10 | 0 | 9 (90.0 %) | 10 (100.0 %)",
        "2 calls, oldest first.", "c-1 | 2026-11-02T10:00:00.000Z", "routed ecrc",
        "Intact: 42 entries verified",
        "head: seq 42 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Signing key ids: k-2025, k-2026.",
        "e911 audit verify --config /etc/e911/auditor.yaml", "[chart Calls per day]",
        "[chart Alert latency: call to first alert accepted]", "No registered locations are journaled"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  EXPECT_EQ(text.find("--format csv"), std::string::npos);  // every failing call is listed
  EXPECT_EQ(text.find("austin\n"), std::string::npos);      // a site id cannot forge a line
  EXPECT_EQ(doc.running_head, "Example Corp - compliance report, 2026-11-01 to 2026-11-30 (UTC)");
}

TEST(ReportDocument, ALongListIsCutWithTheCommandsForAll) {
  const auto text = all_text(compliance_report_document(overview_with_failing(3, 250), context()));
  EXPECT_NE(text.find("250 calls; the first 3 are listed, 247 more are not. All of them as CSV:"), std::string::npos) << text;
  EXPECT_NE(text.find("--dispatchable no --format csv --all"), std::string::npos);
  EXPECT_NE(text.find("--notified no --format csv --all"), std::string::npos);
}

TEST(ReportDocument, AFailedOrMissingVerificationSaysSo) {
  auto c = context();
  c.verification->result.ok = false;
  c.verification->result.reason = "seq 43: prev_hash does not match seq 42's hash";
  c.verification->result.entries = 42;
  auto text = all_text(compliance_report_document(overview_with_failing(0, 0), c));
  EXPECT_NE(text.find("FAILED: seq 43: prev_hash does not match seq 42's hash. 42 entries verified before it."),
            std::string::npos) << text;
  EXPECT_NE(text.find("None: every emergency call"), std::string::npos);
  c.verification.reset();
  c.not_verified = "no verification keys";
  text = all_text(compliance_report_document(overview_with_failing(0, 0), c));
  EXPECT_NE(text.find("Not verified: no verification keys"), std::string::npos);
  EXPECT_NE(text.find("e911 audit verify --config"), std::string::npos);  // how to, still
}

}  // namespace
}  // namespace e911::auditor
