#include "common/service/service_runner.h"

#include <iostream>

#include "common/kafka/stop_signal.h"
#include "common/log.h"
#include "common/reload_signal.h"

namespace e911::service {

int run_in_foreground(const ForegroundOptions& options,
                      const std::function<std::unique_ptr<Service>(observability::MetricsRegistry&)>& make,
                      const std::function<void(const observability::ObservabilityServer&)>& serving) {
  const Logger log(options.command);
  try {
    const auto& stop = kafka::install_stop_signal_handlers();
    if (options.reload_on_sighup) install_reload_signal_handler();
    observability::MetricsRegistry metrics;
    const auto service = make(metrics);
    // Declared after the service: stopped (no more health calls) before it goes.
    observability::ObservabilityServer server(metrics, [&service] { return service->health(); },
                                              {options.metrics_bind, options.metrics_port});
    log.info("serving /metrics and /healthz", {{"bind", server.bind_address()}, {"port", server.port()}});
    if (serving) serving(server);
    service->run(stop);
  } catch (const std::exception& e) {
    log.error(options.command + " stopped on an error", {{"error", e.what()}});
    std::cerr << "e911 " << options.command << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace e911::service
