// `e911 demo`, the README's first command, end to end: embedded broker,
// locator, simulator; every simulated emergency call comes out readable.

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <gtest/gtest.h>

#include <fstream>

#include "common/encoding.h"
#include "tests/support/child_process.h"
#include "tests/support/files.h"
#include "tests/support/http_reply.h"
#include "tests/support/occurrences.h"

namespace e911 {
namespace {

using test::occurrences;

TEST(DemoCommand, RunsThePipelineAndShowsEveryEmergencyCall) {
  const auto r = test::run_e911("demo --registry " + test::source_dir() +
                                "/ops/demo/registry.yaml --background 300 --seed 7");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Embedded Kafka broker: 127.0.0.1:"), std::string::npos);
  const auto shown = occurrences(r.out, "EMERGENCY CALL  dialed") + occurrences(r.out, "TEST CALL  dialed");
  EXPECT_GE(shown, 10u) << r.out;
  EXPECT_EQ(occurrences(r.out, "\n--- "), shown) << "each call is shown once, under its scenario";
  for (const char* scenario : {"home worker on VPN", "933 test call", "desk phone on a known switch port",
                               "nomad who moved since registering", "apartment registered without a unit"}) {
    EXPECT_NE(r.out.find(scenario), std::string::npos) << scenario;
  }
  EXPECT_NE(r.out.find("NOT dispatchable"), std::string::npos);
  EXPECT_NE(r.out.find("emergency call relay centre"), std::string::npos);
  EXPECT_NE(r.out.find("1 rejected to e911.dead-letter"), std::string::npos) << r.out;

  // The notifier alerted every call (outbox), and the demo lists each one's alerts.
  const auto alerts = r.out.find("Alerts (Kari's Law notification) as recorded on e911.notifications:");
  ASSERT_NE(alerts, std::string::npos) << r.out;
  const auto listed = r.out.substr(alerts);
  EXPECT_EQ(occurrences(listed, "\n  sim-c-") + occurrences(listed, "\n  sip-"), shown) << listed;
  EXPECT_EQ(occurrences(listed, ": no alert"), 0u) << listed;
  const auto test_line = listed.substr(listed.find("933 test call: "));
  EXPECT_NE(test_line.substr(0, test_line.find('\n')).find("sms +15125550100"), std::string::npos) << listed;
  EXPECT_NE(listed.find("email security.london@example.com"), std::string::npos) << listed;
  EXPECT_NE(r.out.find(" 0 failed, 0 escalated, for " + std::to_string(shown) + " calls; outbox "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Notifier state: "), std::string::npos);

  // The compliance report as a PDF an auditor files, and how to open the
  // console on the journal.
  const auto pdf_line = r.out.find("Compliance report PDF: ");
  ASSERT_NE(pdf_line, std::string::npos) << r.out;
  const auto pdf_start = pdf_line + std::string("Compliance report PDF: ").size();
  const auto pdf = r.out.substr(pdf_start, r.out.find("  (", pdf_start) - pdf_start);
  std::ifstream in(pdf, std::ios::binary);
  std::string got(5, '\0');
  in.read(got.data(), 5);
  EXPECT_EQ(got, "%PDF-") << pdf;
  EXPECT_NE(r.out.find("Audit console on this journal: e911 audit serve --config "), std::string::npos) << r.out;

  // Calls came through each of the ingest's doors and straight to Kafka,
  // each one shown with the way it came, and the ingest refused none.
  const auto via_sip = occurrences(r.out, "  [SIP INVITE mirrored to the ingest (siptrace, UDP)]\n");
  const auto via_http = occurrences(r.out, "  [HTTP webhook to the ingest (POST /v1/call-events)]\n");
  const auto via_kafka = occurrences(r.out, "  [produced to Kafka directly]\n");
  EXPECT_GE(via_sip, 2u) << r.out;
  EXPECT_GE(via_http, 2u) << r.out;
  EXPECT_GE(via_kafka, 2u) << r.out;
  EXPECT_EQ(via_sip + via_http + via_kafka, shown) << r.out;
  EXPECT_EQ(occurrences(listed, "\n  sip-"), via_sip) << listed;
  EXPECT_NE(r.out.find("Ingest:  " + std::to_string(via_sip) + " calls came as SIP INVITEs mirrored to it, " +
                       std::to_string(via_http) + " as HTTP webhooks, " + std::to_string(via_kafka) +
                       " were produced to Kafka directly; it produced " + std::to_string(via_sip + via_http) +
                       " call events, rejected 0."),
            std::string::npos)
      << r.out;
}

// With --follow the console runs beside the pipeline: the printed token
// signs in, and the overview shows the demo's calls with their charts.
TEST(DemoCommand, FollowingServesTheAuditConsoleWithAReadySignIn) {
  test::ChildProcess demo({test::e911_binary(), "demo", "--registry", test::source_dir() + "/ops/demo/registry.yaml",
                           "--background", "300", "--seed", "7", "--follow"});
  const auto line = demo.wait_for("Audit console: http://127.0.0.1:", std::chrono::minutes(4));
  const auto port = static_cast<Poco::UInt16>(std::stoi(line.substr(0, line.find('/'))));
  const auto token_at = line.find("token ") + 6;
  const auto token = line.substr(token_at, line.find(',', token_at) - token_at);
  ASSERT_EQ(token.size(), 64u) << line;

  struct Reply {
    int status = 0;
    Poco::Net::NameValueCollection headers;
    std::string body;
  };
  const auto exchange = [&](const std::string& method, const std::string& path, const std::string& cookie,
                            const std::string& body) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!cookie.empty()) req.add("Cookie", cookie);
    if (!body.empty()) {
      req.setContentType("application/x-www-form-urlencoded");
      req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    session.sendRequest(req) << body;
    Reply reply;
    test::read_reply(session, reply.status, reply.headers, reply.body);
    return reply;
  };
  const auto form = exchange("GET", "/console/sign-in", "", "");
  ASSERT_EQ(form.status, 200);
  const auto set = form.headers.get("Set-Cookie");
  const std::string marker = "name=\"csrf\" value=\"";
  const auto csrf_at = form.body.find(marker);
  ASSERT_NE(csrf_at, std::string::npos) << form.body;
  const auto csrf_start = csrf_at + marker.size();
  const auto csrf = form.body.substr(csrf_start, form.body.find('"', csrf_start) - csrf_start);
  const auto signed_in = exchange("POST", "/console/sign-in", set.substr(0, set.find(';')),
                                  "token=" + percent_encode(token) + "&csrf=" + percent_encode(csrf));
  ASSERT_EQ(signed_in.status, 303) << signed_in.body;
  std::string session;
  for (auto it = signed_in.headers.find("Set-Cookie"); it != signed_in.headers.end() && it->first == "Set-Cookie";
       ++it) {
    if (it->second.starts_with("e911_console=")) session = it->second.substr(0, it->second.find(';'));
  }
  ASSERT_FALSE(session.empty());
  const auto overview = exchange("GET", "/console/overview", session, "");
  ASSERT_EQ(overview.status, 200);
  EXPECT_NE(overview.body.find("id=\"chart-latency\""), std::string::npos);
  EXPECT_NE(overview.body.find("london-hq"), std::string::npos) << overview.body;
  demo.stop();
  EXPECT_EQ(demo.exit_code(), 0);
}

TEST(DemoCommand, ExplainsItsOptions) {
  auto r = test::run_e911("demo --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--follow"), std::string::npos);
  r = test::run_e911("demo --registry /nonexistent/registry.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent/registry.yaml"), std::string::npos) << r.err;
  r = test::run_e911("demo --background lots --registry x");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace e911
