// `e911 demo`, the README's first command, end to end: embedded broker,
// locator, simulator; every simulated emergency call comes out readable.

#include <gtest/gtest.h>

#include "tests/support/files.h"

namespace e911 {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

TEST(DemoCommand, RunsThePipelineAndShowsEveryEmergencyCall) {
  const auto r = test::run_e911("demo --registry " + test::source_dir() +
                                "/ops/demo/registry.yaml --background 300 --seed 7");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Embedded Kafka broker: 127.0.0.1:"), std::string::npos);
  const auto shown = count(r.out, "EMERGENCY CALL  dialed") + count(r.out, "TEST CALL  dialed");
  EXPECT_GE(shown, 10u) << r.out;
  EXPECT_EQ(count(r.out, "\n--- "), shown) << "each call is shown once, under its scenario";
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
  EXPECT_EQ(count(listed, "\n  sim-c-") + count(listed, "\n  sip-"), shown) << listed;
  EXPECT_EQ(count(listed, ": no alert"), 0u) << listed;
  const auto test_line = listed.substr(listed.find("933 test call: "));
  EXPECT_NE(test_line.substr(0, test_line.find('\n')).find("sms +15125550100"), std::string::npos) << listed;
  EXPECT_NE(listed.find("email security.london@example.com"), std::string::npos) << listed;
  EXPECT_NE(r.out.find(" 0 failed, 0 escalated, for " + std::to_string(shown) + " calls; outbox "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Notifier state: "), std::string::npos);

  // Calls came through each of the ingest's doors and straight to Kafka,
  // each one shown with the way it came, and the ingest refused none.
  const auto via_sip = count(r.out, "  [SIP INVITE mirrored to the ingest (siptrace, UDP)]\n");
  const auto via_http = count(r.out, "  [HTTP webhook to the ingest (POST /v1/call-events)]\n");
  const auto via_kafka = count(r.out, "  [produced to Kafka directly]\n");
  EXPECT_GE(via_sip, 2u) << r.out;
  EXPECT_GE(via_http, 2u) << r.out;
  EXPECT_GE(via_kafka, 2u) << r.out;
  EXPECT_EQ(via_sip + via_http + via_kafka, shown) << r.out;
  EXPECT_EQ(count(listed, "\n  sip-"), via_sip) << listed;
  EXPECT_NE(r.out.find("Ingest:  " + std::to_string(via_sip) + " calls came as SIP INVITEs mirrored to it, " +
                       std::to_string(via_http) + " as HTTP webhooks, " + std::to_string(via_kafka) +
                       " were produced to Kafka directly; it produced " + std::to_string(via_sip + via_http) +
                       " call events, rejected 0."),
            std::string::npos)
      << r.out;
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
