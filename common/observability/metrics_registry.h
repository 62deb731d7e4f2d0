#pragma once
// The metrics of one process: a prometheus-cpp registry plus helpers that
// keep every name to the Prometheus conventions, the process_* metrics and
// e911_build_info. A MetricsRegistry is a cheap handle: copies share the
// same registry, so the HTTP endpoint can hold one while the component
// keeps adding metrics through another.
//
// Names: e911_<component>_<name>[_<suffix>], lower-case snake_case.
//   counter("notifier", "deliveries", ...)          -> e911_notifier_deliveries_total
//   gauge("locator", "consumer_lag_messages", ...)  -> e911_locator_consumer_lag_messages
//   latency_histogram("notifier", "alert_latency")  -> e911_notifier_alert_latency_seconds
// A name that already ends with its suffix is not suffixed twice. Invalid
// names throw std::invalid_argument: they are programming errors found at
// start-up, like prometheus-cpp's own checks.
//
// Labels must never hold personal data (caller names, numbers) and should
// have few values: never a call id or user id, each value is a time series.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/labels.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/observability/build_info.h"

namespace e911::observability {

class ProcessCollector;

// A histogram family whose series all get the latency buckets.
class LatencyHistogramFamily {
 public:
  explicit LatencyHistogramFamily(prometheus::Family<prometheus::Histogram>& family) : family_(&family) {}
  prometheus::Histogram& Add(const prometheus::Labels& labels = {}) const;
  prometheus::Family<prometheus::Histogram>& family() const { return *family_; }

 private:
  prometheus::Family<prometheus::Histogram>* family_;
};

class MetricsRegistry {
 public:
  // Registers e911_build_info{version="<version>",revision="<git commit>"} 1.
  explicit MetricsRegistry(std::string_view version = kBuildVersion);

  // Buckets for latencies, sub-millisecond to 30 minutes:
  // 0.0005 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10
  // 30 60 120 300 600 1800.
  static const prometheus::Histogram::BucketBoundaries& latency_buckets();

  // "e911_<component>_<name><suffix>", validated; `suffix` (e.g. "_total")
  // is appended unless `name` already ends with it.
  static std::string metric_name(std::string_view component, std::string_view name, std::string_view suffix = "");

  prometheus::Family<prometheus::Counter>& counter(std::string_view component, std::string_view name,
                                                   std::string_view help);
  prometheus::Family<prometheus::Gauge>& gauge(std::string_view component, std::string_view name,
                                               std::string_view help);
  // Durations in seconds with latency_buckets().
  LatencyHistogramFamily latency_histogram(std::string_view component, std::string_view name,
                                           std::string_view help);
  // Any other histogram: buckets are given to Family::Add. `name` should
  // carry its unit (_bytes, _messages...).
  prometheus::Family<prometheus::Histogram>& histogram(std::string_view component, std::string_view name,
                                                       std::string_view help);

  // Everything a scrape shows: the registry and the process metrics as of now.
  std::vector<prometheus::MetricFamily> collect() const;
  // collect() in the text exposition format 0.0.4.
  std::string scrape_text() const;

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<const ProcessCollector> process_;
};

}  // namespace e911::observability
