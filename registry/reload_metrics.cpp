#include "registry/reload_metrics.h"

namespace e911::registry {

namespace {

prometheus::Family<prometheus::Counter>& reloads(observability::MetricsRegistry& m, std::string_view component) {
  return m.counter(component, "registry_reloads", "Registry reloads, by result.");
}

}  // namespace

RegistryReloadMetrics::RegistryReloadMetrics(observability::MetricsRegistry& metrics, std::string_view component)
    : ok_(reloads(metrics, component).Add({{"result", "ok"}})),
      error_(reloads(metrics, component).Add({{"result", "error"}})),
      successful_(metrics
                      .gauge(component, "registry_last_reload_successful",
                             "1 when the last registry load or reload succeeded, 0 while it fails (the previous "
                             "registry stays in force).")
                      .Add({})),
      attempted_at_(metrics
                        .gauge(component, "registry_last_reload_timestamp_seconds",
                               "When the registry was last loaded or reloaded, or tried to be (Unix time).")
                        .Add({})),
      loaded_at_(metrics
                     .gauge(component, "registry_loaded_timestamp_seconds",
                            "When the registry in force was loaded (Unix time).")
                     .Add({})) {
  successful_.Set(1);
  attempted_at_.SetToCurrentTime();
  loaded_at_.SetToCurrentTime();
}

void RegistryReloadMetrics::reloaded() {
  ok_.Increment();
  successful_.Set(1);
  attempted_at_.SetToCurrentTime();
  loaded_at_.SetToCurrentTime();
}

void RegistryReloadMetrics::reload_failed() {
  error_.Increment();
  successful_.Set(0);
  attempted_at_.SetToCurrentTime();
}

}  // namespace e911::registry
