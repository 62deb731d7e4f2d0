#pragma once
// The HTTP endpoint every process exposes:
//   GET /metrics  Prometheus text format 0.0.4 (registry + process metrics)
//   GET /healthz  200 {"status":"ok"} or 503 {"status":"unavailable","reason":...}
//   other paths 404, other methods 405.
// Runs on the project's HTTP host (common/net/http_server.h), on threads of
// its own: constructing it binds and starts serving, destroying it stops
// and joins; the caller never blocks on a request. Both paths are answered
// even while slow or idle clients hold every connection. Loopback by
// default: /metrics is for the scraper next to it, not for the world.

#include <cstdint>
#include <memory>
#include <string>

#include "common/net/hosted_endpoint.h"
#include "common/observability/health.h"
#include "common/observability/metrics_registry.h"

namespace e911::observability {

struct ServerOptions {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the kernel picks a free port, see port()
  int max_threads = 2;     // requests handled at once: one scrape and one probe is plenty
};

// Destroying it stops the server: after that nothing calls the health
// function.
class ObservabilityServer final : public net::HostedEndpoint {
 public:
  // Binds and starts. Throws std::runtime_error if it cannot listen
  // (address in use, bad address). `health` may be empty: always live.
  // The health function is called until the server is destroyed, so the
  // server must be destroyed before whatever the function reads.
  ObservabilityServer(MetricsRegistry registry, HealthCheck health, ServerOptions options = {});
  ObservabilityServer(MetricsRegistry registry, HealthCheck health, std::string bind_address, std::uint16_t port);
};

// The Content-Type of GET /metrics.
inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace e911::observability
