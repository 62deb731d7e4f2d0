// The compliance overview (report/compliance_overview.h) against both
// stores, over a journal built the way the consumer builds it
// (tests/auditor/call_journal.h).

#include "consumers/auditor/report/compliance_overview.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/auditor/audit_test_support.h"
#include "tests/auditor/call_journal.h"
#include "tests/support/postgres_server.h"

namespace e911::auditor {
namespace {

using test::Backend;

class ComplianceOverviewTest : public test::JournalStoreTest {
 protected:
  void sent(const std::string& call_id, const std::string& at, std::int64_t latency_ms) {
    journal_->notification({.call_id = call_id, .list = "security", .name = "Desk", .address = "+15125550100",
                            .channel = "sms", .status = "sent", .at = at, .latency_ms = latency_ms});
  }
};

INSTANTIATE_TEST_SUITE_P(Stores, ComplianceOverviewTest, test::kBothStores, test::backend_name);

TEST_P(ComplianceOverviewTest, CountsDaysLatenciesFailingCallsAndRegistrations) {
  auto& j = *journal_;
  // November 2026, two sites; c-0 (October) and c-9 (December) are outside.
  j.call({.call_id = "c-0", .occurred_at = "2026-10-31T23:59:59.999Z", .site_id = "austin", .dispatchable = false});
  j.call({.call_id = "c-1", .occurred_at = "2026-11-01T00:00:00.000Z", .site_id = "austin"});
  sent("c-1", "2026-11-01T00:00:00.400Z", 400);
  j.call({.call_id = "c-2", .occurred_at = "2026-11-01T13:00:00.000Z", .site_id = "london"});
  sent("c-2", "2026-11-01T13:00:01.500Z", 1500);
  j.call({.call_id = "c-3", .call_class = "test", .dialed = "933", .occurred_at = "2026-11-01T14:00:00.000Z",
          .site_id = "london"});
  j.call({.call_id = "c-4", .occurred_at = "2026-11-03T09:00:00.000Z", .site_id = "austin", .dispatchable = false,
          .warnings = {"unknown-network"}, .routing = "ecrc"});
  sent("c-4", "2026-11-03T09:01:10.000Z", 70000);
  j.call({.call_id = "c-5", .occurred_at = "2026-11-30T23:00:00.000Z", .site_id = "london"});  // never notified
  j.notification({.call_id = "c-5", .list = "security", .name = "Desk", .address = "+15125550100", .channel = "sms",
                  .status = "failed", .attempt = 5, .at = "2026-11-30T23:05:00.000Z", .error = "HTTP 503"});
  j.call({.call_id = "c-9", .occurred_at = "2026-12-01T00:00:00.000Z", .site_id = "austin", .dispatchable = false});
  // Registrations: u-1 current and validated, u-2 old and not validated,
  // u-3 withdrawn; u-4 registered after the period, so not yet at its end.
  j.registration({.user_id = "u-1", .event_id = "lu-1", .registered_at = "2026-11-30T20:00:00Z"});
  j.registration({.user_id = "u-2", .event_id = "lu-2", .registered_at = "2026-10-01T09:00:00Z", .validated = false});
  j.registration({.user_id = "u-3", .event_id = "lu-3", .registered_at = "2026-10-01T09:00:00Z"});
  j.withdrawal("u-3", *parse_rfc3339("2026-11-10T00:00:00Z"));
  j.registration({.user_id = "u-4", .event_id = "lu-4", .registered_at = "2026-12-02T09:00:00Z"});

  CallFilter f;
  f.from = *parse_rfc3339("2026-11-01T00:00:00Z");
  f.to = *parse_rfc3339("2026-12-01T00:00:00Z");
  OverviewOptions options;
  options.failing_limit = 1;
  options.stale_after = 7 * kUtcDayMillis;
  const auto o = compliance_overview(*store_, f, options);

  EXPECT_EQ(o.report.overall.emergency_calls, 4u);
  EXPECT_EQ(o.report.overall.test_calls, 1u);
  ASSERT_EQ(o.report.sites.size(), 2u);

  ASSERT_EQ(o.calls_per_day.size(), 30u);  // every day of November, zeros included
  EXPECT_EQ(format_rfc3339(o.calls_per_day.front().day), "2026-11-01T00:00:00.000Z");
  EXPECT_EQ(o.calls_per_day[0].emergency, 2u);
  EXPECT_EQ(o.calls_per_day[0].test, 1u);
  EXPECT_EQ(o.calls_per_day[1].emergency, 0u);
  EXPECT_EQ(o.calls_per_day[2].emergency, 1u);
  EXPECT_EQ(o.calls_per_day[29].emergency, 1u);
  EXPECT_EQ(o.days_cut, 0u);

  ASSERT_EQ(o.latency_histogram.size(), 7u);
  EXPECT_EQ(o.latency_histogram[0].calls, 1u);  // 400 ms
  EXPECT_EQ(o.latency_histogram[1].calls, 1u);  // 1.5 s
  EXPECT_EQ(o.latency_histogram[6].calls, 1u);  // 70 s
  std::size_t latencies = 0;
  for (const auto& b : o.latency_histogram) latencies += b.calls;
  EXPECT_EQ(latencies, o.report.overall.alert_latency.count);

  // c-4 (not dispatchable) and c-5 (not notified); the first only listed.
  EXPECT_EQ(o.failing_total, 2u);
  ASSERT_EQ(o.failing_calls.size(), 1u);
  EXPECT_EQ(o.failing_calls[0].call.call_id, "c-4");
  EXPECT_EQ(o.failing_calls[0].reasons,
            (std::vector<std::string>{"not dispatchable (location source none, routed ecrc)", "warnings: unknown-network"}));
  options.failing_limit = 10;
  const auto all = compliance_overview(*store_, f, options);
  ASSERT_EQ(all.failing_calls.size(), 2u);
  EXPECT_EQ(all.failing_calls[1].call.call_id, "c-5");
  EXPECT_EQ(all.failing_calls[1].reasons, (std::vector<std::string>{"not notified", "1 alert failed"}));

  // As of 2026-12-01: u-1, u-2 registered (u-2 stale and not validated), u-3 withdrawn.
  EXPECT_EQ(o.registrations.as_of, *f.to);
  EXPECT_EQ(o.registrations.users, 3u);
  EXPECT_EQ(o.registrations.registered, 2u);
  EXPECT_EQ(o.registrations.withdrawn, 1u);
  EXPECT_EQ(o.registrations.stale, 1u);
  EXPECT_EQ(o.registrations.not_validated, 1u);
}

TEST_P(ComplianceOverviewTest, ASiteAndAnEmptyJournal) {
  CallFilter f;
  auto o = compliance_overview(*store_, f);
  EXPECT_TRUE(o.calls_per_day.empty());  // no period, no calls: no days
  EXPECT_EQ(o.failing_total, 0u);
  EXPECT_EQ(o.registrations.users, 0u);

  journal_->call({.call_id = "c-1", .occurred_at = "2026-11-02T10:00:00.000Z", .site_id = "austin", .dispatchable = false});
  journal_->call({.call_id = "c-2", .occurred_at = "2026-11-04T10:00:00.000Z", .site_id = "london", .dispatchable = false});
  f.site = "austin";
  o = compliance_overview(*store_, f);
  ASSERT_EQ(o.calls_per_day.size(), 1u);  // an open period: its first to its last day with calls
  EXPECT_EQ(o.failing_total, 1u);
  ASSERT_EQ(o.failing_calls.size(), 1u);
  EXPECT_EQ(o.failing_calls[0].call.call_id, "c-1");
}

}  // namespace
}  // namespace e911::auditor
