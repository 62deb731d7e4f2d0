#include "common/observability/metrics_registry.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <chrono>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/observability/process_metrics.h"

namespace e911::observability {
namespace {

// The value of the sample line that starts with `series` ("name{labels} ").
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

TEST(MetricsRegistry, NamesFollowTheConventions) {
  EXPECT_EQ(MetricsRegistry::metric_name("notifier", "deliveries", "_total"), "e911_notifier_deliveries_total");
  EXPECT_EQ(MetricsRegistry::metric_name("notifier", "deliveries_total", "_total"), "e911_notifier_deliveries_total");
  EXPECT_EQ(MetricsRegistry::metric_name("locator", "resolve_duration", "_seconds"),
            "e911_locator_resolve_duration_seconds");
  EXPECT_EQ(MetricsRegistry::metric_name("locator", "lag_messages"), "e911_locator_lag_messages");
  for (const char* bad : {"", "Notifier", "9lives", "dead-letter", "a__b", "trailing_", "_lead", "sp ace"}) {
    EXPECT_THROW(MetricsRegistry::metric_name(bad, "x"), std::invalid_argument) << bad;
    EXPECT_THROW(MetricsRegistry::metric_name("notifier", bad), std::invalid_argument) << bad;
  }
}

TEST(MetricsRegistry, LatencyBucketsTellSecondsFromMinutes) {
  const auto& b = MetricsRegistry::latency_buckets();
  ASSERT_GE(b.size(), 10u);
  EXPECT_DOUBLE_EQ(b.front(), 0.0005);
  EXPECT_DOUBLE_EQ(b.back(), 1800.0);
  for (const double edge : {10.0, 60.0, 600.0}) EXPECT_NE(std::find(b.begin(), b.end(), edge), b.end()) << edge;
  for (std::size_t i = 1; i < b.size(); ++i) EXPECT_LT(b[i - 1], b[i]);
}

TEST(MetricsRegistry, FamiliesAppearInTheScrapeWithTheirSuffixes) {
  MetricsRegistry metrics("1.2.3");
  metrics.counter("notifier", "deliveries", "Alerts delivered.").Add({{"channel", "smtp"}}).Increment(2);
  metrics.gauge("locator", "lag_messages", "Messages behind.").Add({}).Set(5);
  auto& latency = metrics.latency_histogram("notifier", "alert_latency", "Call to alert.").Add({{"channel", "sms"}});
  latency.Observe(0.0004);
  latency.Observe(0.2);
  metrics.histogram("ingest", "body_bytes", "Request body sizes.").Add({}, prometheus::Histogram::BucketBoundaries{1024})
      .Observe(100);

  const std::string text = metrics.scrape_text();
  EXPECT_NE(text.find("# TYPE e911_notifier_deliveries_total counter"), std::string::npos) << text;
  EXPECT_EQ(sample(text, R"(e911_notifier_deliveries_total{channel="smtp"})"), 2.0);
  EXPECT_NE(text.find("# TYPE e911_locator_lag_messages gauge"), std::string::npos);
  EXPECT_EQ(sample(text, "e911_locator_lag_messages"), 5.0);
  EXPECT_NE(text.find("# TYPE e911_notifier_alert_latency_seconds histogram"), std::string::npos);
  EXPECT_EQ(sample(text, R"(e911_notifier_alert_latency_seconds_bucket{channel="sms",le="0.0005"})"), 1.0);
  EXPECT_EQ(sample(text, R"(e911_notifier_alert_latency_seconds_bucket{channel="sms",le="0.25"})"), 2.0);
  EXPECT_EQ(sample(text, R"(e911_notifier_alert_latency_seconds_bucket{channel="sms",le="10"})"), 2.0);
  EXPECT_EQ(sample(text, R"(e911_notifier_alert_latency_seconds_count{channel="sms"})"), 2.0);
  EXPECT_EQ(sample(text, R"(e911_ingest_body_bytes_bucket{le="1024"})"), 1.0);
  const std::string build_info = std::string(R"(e911_build_info{revision=")") + build_revision() + R"(",version="1.2.3"})";
  EXPECT_EQ(sample(text, build_info), 1.0) << text;
  EXPECT_STRNE(build_revision(), "") << "a commit, or unknown outside a checkout";
}

TEST(MetricsRegistry, RegisteringTheSameFamilyTwiceReturnsIt) {
  MetricsRegistry metrics;
  auto& a = metrics.counter("auditor", "records", "Audit records written.");
  auto& b = metrics.counter("auditor", "records_total", "Audit records written.");
  EXPECT_EQ(&a, &b);
}

TEST(MetricsRegistry, BadRegistrationsThrow) {
  MetricsRegistry metrics;
  EXPECT_THROW(metrics.counter("auditor", "records", ""), std::invalid_argument);
  EXPECT_THROW(metrics.gauge("auditor", "records_total", "A gauge named like a counter."), std::invalid_argument);
  EXPECT_THROW(metrics.gauge("Auditor", "records", "Bad component."), std::invalid_argument);
  metrics.counter("auditor", "records", "Audit records written.");
  // Same name, other type: prometheus-cpp's own check.
  EXPECT_THROW(metrics.histogram("auditor", "records_total", "Type clash."), std::invalid_argument);
}

TEST(MetricsRegistry, CopiesShareOneRegistry) {
  MetricsRegistry original;
  MetricsRegistry copy = original;
  copy.counter("locator", "drops", "Events dropped.").Add({}).Increment();
  EXPECT_EQ(original.registry(), copy.registry());
  EXPECT_EQ(sample(original.scrape_text(), "e911_locator_drops_total"), 1.0);
}

TEST(MetricsRegistry, ProcessMetricsAreReadAtScrapeTime) {
  MetricsRegistry metrics;
  const std::string text = metrics.scrape_text();
  const auto rss = sample(text, "process_resident_memory_bytes");
  ASSERT_TRUE(rss.has_value()) << text;
  EXPECT_GT(*rss, 0.0);
  const auto start = sample(text, "process_start_time_seconds");
  ASSERT_TRUE(start.has_value());
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(*start, 0.0);
  EXPECT_LE(*start, now + 1.0) << "the process cannot start in the future (1 s for clock-tick rounding)";
  EXPECT_TRUE(sample(text, "process_cpu_seconds_total").has_value());
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter"), std::string::npos);

  // Resident memory follows the process: touch 64 MiB and scrape again.
  std::vector<char> block(64 << 20, 1);
  const auto rss_after = sample(metrics.scrape_text(), "process_resident_memory_bytes");
  ASSERT_TRUE(rss_after.has_value());
  EXPECT_GT(*rss_after, *rss + 32.0 * (1 << 20)) << "block[0]=" << int(block[0]);
}

TEST(ProcessMetrics, ParsesStatm) {
  EXPECT_EQ(parse_statm_resident_pages("6000 1641 1005 192 0 583 0\n"), 1641u);
  EXPECT_FALSE(parse_statm_resident_pages("").has_value());
  EXPECT_FALSE(parse_statm_resident_pages("6000").has_value());
  EXPECT_FALSE(parse_statm_resident_pages("6000 x1 2").has_value());
}

TEST(ProcessMetrics, ParsesProcStatWithAnAwkwardCommandName) {
  // comm "e911 (x) y": spaces and parentheses; fields 14, 15, 22 = 11, 12, 500.
  const std::string stat =
      "1234 (e911 (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 11 12 0 0 20 0 3 0 500 12345678 400 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  const auto parsed = parse_proc_stat(stat);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->utime_ticks, 11u);
  EXPECT_EQ(parsed->stime_ticks, 12u);
  EXPECT_EQ(parsed->start_ticks, 500u);
  EXPECT_FALSE(parse_proc_stat("1234 (short) S 1 2 3").has_value());
  EXPECT_FALSE(parse_proc_stat("no parenthesis at all").has_value());
}

TEST(ProcessMetrics, ParsesBootTime) {
  EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1763700000\nprocesses 9\n"), 1763700000);
  EXPECT_FALSE(parse_boot_time("cpu 1 2 3\n").has_value());
  EXPECT_FALSE(parse_boot_time("btime soon\n").has_value());
}

}  // namespace
}  // namespace e911::observability
