#include "common/observability/metrics_registry.h"

#include <prometheus/text_serializer.h>

#include <sstream>
#include <stdexcept>

#include "common/observability/process_metrics.h"

namespace e911::observability {
namespace {

// Our part of a name: lower-case snake_case, starting with a letter, no
// "__" (reserved by Prometheus) and no trailing '_'.
bool is_name_part(std::string_view s) {
  if (s.empty() || s.front() < 'a' || s.front() > 'z' || s.back() == '_') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
    if (c == '_' && i + 1 < s.size() && s[i + 1] == '_') return false;
  }
  return true;
}

std::string checked_help(std::string_view help, const std::string& name) {
  if (help.empty()) throw std::invalid_argument("metric " + name + ": help text is required");
  return std::string(help);
}

}  // namespace

prometheus::Histogram& LatencyHistogramFamily::Add(const prometheus::Labels& labels) const {
  return family_->Add(labels, MetricsRegistry::latency_buckets());
}

MetricsRegistry::MetricsRegistry(std::string_view version)
    : registry_(std::make_shared<prometheus::Registry>()), process_(std::make_shared<ProcessCollector>()) {
  prometheus::BuildGauge()
      .Name("e911_build_info")
      .Help("Build of this process; always 1, the version and the git revision are in the labels.")
      .Register(*registry_)
      .Add({{"version", std::string(version)}, {"revision", build_revision()}})
      .Set(1);
}

const char* build_revision() {
#ifdef E911_REVISION
  return E911_REVISION;
#else
  return "unknown";
#endif
}

const prometheus::Histogram::BucketBoundaries& MetricsRegistry::latency_buckets() {
  // Up to 30 minutes: an alert stuck behind an outage must show as minutes,
  // not as "more than 10 s".
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
      30.0,   60.0,  120.0,  300.0, 600.0, 1800.0};
  return buckets;
}

std::string MetricsRegistry::metric_name(std::string_view component, std::string_view name,
                                         std::string_view suffix) {
  if (!is_name_part(component)) {
    throw std::invalid_argument("metric component must be lower-case snake_case: '" + std::string(component) + "'");
  }
  if (!is_name_part(name)) {
    throw std::invalid_argument("metric name must be lower-case snake_case: '" + std::string(name) + "'");
  }
  std::string out = "e911_";
  out += component;
  out += '_';
  out += name;
  if (!name.ends_with(suffix)) out += suffix;
  return out;
}

prometheus::Family<prometheus::Counter>& MetricsRegistry::counter(std::string_view component, std::string_view name,
                                                                  std::string_view help) {
  const std::string full = metric_name(component, name, "_total");
  return prometheus::BuildCounter().Name(full).Help(checked_help(help, full)).Register(*registry_);
}

prometheus::Family<prometheus::Gauge>& MetricsRegistry::gauge(std::string_view component, std::string_view name,
                                                              std::string_view help) {
  const std::string full = metric_name(component, name);
  if (full.ends_with("_total")) {
    throw std::invalid_argument("gauge " + full + ": _total is for counters");
  }
  return prometheus::BuildGauge().Name(full).Help(checked_help(help, full)).Register(*registry_);
}

LatencyHistogramFamily MetricsRegistry::latency_histogram(std::string_view component, std::string_view name,
                                                          std::string_view help) {
  const std::string full = metric_name(component, name, "_seconds");
  return LatencyHistogramFamily(
      prometheus::BuildHistogram().Name(full).Help(checked_help(help, full)).Register(*registry_));
}

prometheus::Family<prometheus::Histogram>& MetricsRegistry::histogram(std::string_view component,
                                                                      std::string_view name, std::string_view help) {
  const std::string full = metric_name(component, name);
  return prometheus::BuildHistogram().Name(full).Help(checked_help(help, full)).Register(*registry_);
}

std::vector<prometheus::MetricFamily> MetricsRegistry::collect() const {
  auto families = registry_->Collect();
  auto process = process_->Collect();
  families.insert(families.end(), std::make_move_iterator(process.begin()), std::make_move_iterator(process.end()));
  return families;
}

std::string MetricsRegistry::scrape_text() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, collect());
  return out.str();
}

}  // namespace e911::observability
