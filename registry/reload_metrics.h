#pragma once
// The metrics of a registry a service keeps in force (locator, notifier,
// ingest), the same for each, so one alert rule covers them all:
//
//   e911_<component>_registry_reloads_total{result="ok"|"error"}
//   e911_<component>_registry_last_reload_successful     1, or 0 while the
//       last reload failed (the previous registry stays in force): "still
//       failing", not "failed once in the last ten minutes"
//   e911_<component>_registry_last_reload_timestamp_seconds   the last attempt
//   e911_<component>_registry_loaded_timestamp_seconds        the registry in force

#include <string_view>

#include "common/observability/metrics_registry.h"

namespace e911::registry {

class RegistryReloadMetrics {
 public:
  // Every series at its start-up value: the registry loaded now, no reload yet.
  RegistryReloadMetrics(observability::MetricsRegistry& metrics, std::string_view component);

  void reloaded();
  void reload_failed();

 private:
  prometheus::Counter& ok_;
  prometheus::Counter& error_;
  prometheus::Gauge& successful_;
  prometheus::Gauge& attempted_at_;
  prometheus::Gauge& loaded_at_;
};

}  // namespace e911::registry
