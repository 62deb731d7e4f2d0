// A small process for the script tests: registers sample metrics of every
// kind (labelled counter, gauge, latency histogram with observations),
// serves them on 127.0.0.1 at an ephemeral port, prints "port=N" on
// standard output, and serves until SIGTERM or SIGINT.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <exception>

#include "common/log.h"
#include "common/kafka/stop_signal.h"
#include "common/observability/metrics_registry.h"
#include "common/observability/observability_server.h"

int main() {
  using namespace e911::observability;
  // Before any thread starts: sigwait() below is where they arrive.
  const sigset_t stop_signals = e911::kafka::block_stop_signals();

  try {
    MetricsRegistry metrics;
    auto& deliveries = metrics.counter("fixture", "deliveries", "Alerts handed to a delivery channel.");
    deliveries.Add({{"channel", "smtp"}, {"outcome", "delivered"}}).Increment(3);
    deliveries.Add({{"channel", "webhook"}, {"outcome", "failed"}}).Increment();
    metrics.gauge("fixture", "consumer_lag_messages", "Messages behind the end of the topic.").Add({}).Set(7);
    auto& latency = metrics.latency_histogram("fixture", "alert_latency", "From call event to alert sent.").Add();
    for (const double s : {0.0003, 0.004, 0.02, 0.3, 1.5, 12.0}) latency.Observe(s);

    ObservabilityServer server(metrics, [] { return HealthStatus::ok("fixture"); });
    std::printf("port=%u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    return 0;
  } catch (const std::exception& e) {
    e911::Logger("metrics_fixture").error("fixture failed", {{"error", e.what()}});
    return 1;
  }
}
