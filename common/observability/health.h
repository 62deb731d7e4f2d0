#pragma once
// What a component says about itself on GET /healthz. The component
// decides what "live" means (e.g. "connected to Kafka and consuming");
// the endpoint only reports it.

#include <functional>
#include <string>

namespace e911::observability {

struct HealthStatus {
  bool live = false;
  // Why it is not live ("no partition assigned for 45s"), or an optional
  // detail when it is. Ids only, never personal data.
  std::string reason;

  static HealthStatus ok(std::string detail = {}) { return {true, std::move(detail)}; }
  static HealthStatus down(std::string why) { return {false, std::move(why)}; }
};

// Called on each /healthz request from a server thread: must be
// thread-safe and quick (read an atomic or two, do no I/O).
using HealthCheck = std::function<HealthStatus()>;

}  // namespace e911::observability
