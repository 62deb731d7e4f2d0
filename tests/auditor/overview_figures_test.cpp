// The overview's arithmetic (report/overview_figures.h): latency buckets,
// the calls-per-day series, why a call failed, registrations at a time.

#include "consumers/auditor/report/overview_figures.h"

#include <gtest/gtest.h>

namespace e911::auditor {
namespace {

EpochMillis at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

TEST(OverviewFigures, LatenciesFallInTheirBucketsEdgesGoingUp) {
  const auto h = latency_histogram({-5, 0, 999, 1000, 1999, 2000, 4999, 5000, 9999, 10000, 29999, 30000, 59999, 60000, 3'600'000});
  ASSERT_EQ(h.size(), 7u);
  const std::vector<std::size_t> expected{3, 2, 2, 2, 2, 2, 2};  // a negative latency counts in the first
  for (std::size_t i = 0; i < h.size(); ++i) EXPECT_EQ(h[i].calls, expected[i]) << h[i].label;
  EXPECT_EQ(h.front().label, "<1 s");
  EXPECT_EQ(h.back().label, ">=60 s");
  EXPECT_FALSE(h.back().to_ms);
}

TEST(OverviewFigures, DaySeriesCoversThePeriodWithZeros) {
  std::size_t cut = 99;
  const auto days = day_series({{at("2026-11-03T10:00:00Z"), 2, 0}, {at("2026-11-01T00:00:00Z"), 1, 1}},
                               at("2026-11-01T00:00:00Z"), at("2026-11-05T00:00:00Z"), 400, &cut);
  ASSERT_EQ(days.size(), 4u);  // the 1st to the 4th: `to` is exclusive
  EXPECT_EQ(cut, 0u);
  EXPECT_EQ(days[0].day, at("2026-11-01T00:00:00Z"));
  EXPECT_EQ(days[0].emergency, 1u);
  EXPECT_EQ(days[0].test, 1u);
  EXPECT_EQ(days[1].emergency + days[1].test, 0u);
  EXPECT_EQ(days[2].day, at("2026-11-03T00:00:00Z"));
  EXPECT_EQ(days[2].emergency, 2u);
  EXPECT_EQ(days[3].day, at("2026-11-04T00:00:00Z"));

  // A period ending mid-day includes that day; a long one keeps its last days.
  EXPECT_EQ(day_series({}, at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:01Z")).size(), 2u);
  const auto year = day_series({}, at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"), 100, &cut);
  ASSERT_EQ(year.size(), 100u);
  EXPECT_EQ(cut, 265u);
  EXPECT_EQ(year.back().day, at("2026-12-31T00:00:00Z"));
  // Open ends: the first and last days with calls; nothing without calls.
  EXPECT_EQ(day_series({{at("2026-11-03T10:00:00Z"), 1, 0}, {at("2026-11-07T10:00:00Z"), 1, 0}}, std::nullopt, std::nullopt).size(), 5u);
  EXPECT_TRUE(day_series({}, std::nullopt, at("2026-11-01T00:00:00Z")).empty());
}

TEST(OverviewFigures, FailingReasonsSayWhatWentWrong) {
  CallRow c;
  c.dispatchable = true;
  c.notified = true;
  EXPECT_TRUE(failing_reasons(c).empty());
  c.dispatchable = false;
  c.location_source = "none";
  c.routing = "ecrc";
  c.warnings = {"vpn", "unknown-network"};
  c.notified = false;
  c.alerts_total = 2;
  c.alerts_failed = 2;
  EXPECT_EQ(failing_reasons(c), (std::vector<std::string>{"not dispatchable (location source none, routed ecrc)",
                                                          "not notified", "2 alerts failed",
                                                          "warnings: vpn, unknown-network"}));
  c.dispatchable.reset();
  c.alerts_total = 0;
  c.alerts_failed = 0;
  c.warnings.clear();
  EXPECT_EQ(failing_reasons(c), (std::vector<std::string>{"dispatchable not known (no location journaled)",
                                                          "not notified (no alert attempted)"}));
}

TEST(OverviewFigures, RegistrationStatusAtATime) {
  const auto as_of = at("2026-12-01T00:00:00Z");
  std::vector<RegistrationRow> rows(4);
  rows[0].at = as_of - 3'600'000;  // fresh, validated, dispatchable
  rows[0].validated = true;
  rows[0].dispatchable = true;
  rows[1].at = as_of - 13 * 3'600'000;  // stale, not validated, not dispatchable
  rows[1].validated = false;
  rows[1].dispatchable = false;
  rows[2].at = as_of - 12 * 3'600'000;  // exactly the age: not yet stale
  rows[3].withdrawn = true;
  rows[3].at = as_of - 100 * 3'600'000;
  const auto s = registration_status(rows, as_of, 12 * 3'600'000);
  EXPECT_EQ(s.users, 4u);
  EXPECT_EQ(s.registered, 3u);
  EXPECT_EQ(s.withdrawn, 1u);
  EXPECT_EQ(s.stale, 1u);
  EXPECT_EQ(s.not_validated, 1u);
  EXPECT_EQ(s.not_dispatchable, 1u);
}

// The console and the PDF write figures alike: rounded, not truncated
// (1999 ms is 2.0 s, not 1.9), and a duration that is not whole hours in
// minutes (90 minutes is not "1 h").
TEST(OverviewFigures, FiguresAreWrittenRoundedAndWhole) {
  EXPECT_EQ(seconds_text(1999), "2.0");
  EXPECT_EQ(seconds_text(1949), "1.9");
  EXPECT_EQ(seconds_text(0), "0.0");
  EXPECT_EQ(seconds_text(61'250), "61.3");
  EXPECT_EQ(seconds_text(-1500), "-1.5");
  EXPECT_EQ(percent_text(200.0 / 3.0), "66.7");
  EXPECT_EQ(percent_text(100.0), "100.0");
  EXPECT_EQ(hours_text(12 * 3'600'000), "12 h");
  EXPECT_EQ(hours_text(90 * 60'000), "90 min");
  EXPECT_EQ(hours_text(0), "0 h");
}

}  // namespace
}  // namespace e911::auditor
