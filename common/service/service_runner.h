#pragma once
// Running a Service in the foreground of a command (`e911 locator`, `e911
// notifier`, `e911 auditor`): SIGTERM and SIGINT stop it cleanly (SIGHUP
// asks for a reload, where the component reloads), /metrics and /healthz
// are served while it runs, and a fatal error is logged and said on
// standard error. The exit status is the command's: 0 after a clean stop,
// 1 after an error.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/observability/metrics_registry.h"
#include "common/observability/observability_server.h"
#include "common/service/service.h"

namespace e911::service {

struct ForegroundOptions {
  std::string command;  // "locator": the log's component, "e911 locator: ..." on errors
  std::string metrics_bind = "127.0.0.1";
  std::uint16_t metrics_port = 0;
  bool reload_on_sighup = false;
};

// Signal handlers first, then `make` builds the service (registering its
// metrics; it may throw, e.g. on an invalid registry), then the endpoint
// starts (`serving` is told where), then run() until a signal.
int run_in_foreground(const ForegroundOptions& options,
                      const std::function<std::unique_ptr<Service>(observability::MetricsRegistry&)>& make,
                      const std::function<void(const observability::ObservabilityServer&)>& serving = {});

}  // namespace e911::service
