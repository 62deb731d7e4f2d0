#pragma once
// What a long-running component is to whatever runs it (the CLI, the demo,
// the tests, the benchmarks): something that runs until a stop flag is set
// and says whether it is live. The locator, the notifier and the auditor
// are Services; service_runner.h and background_service.h run them.

#include <atomic>

#include "common/observability/health.h"

namespace e911::service {

class Service {
 public:
  virtual ~Service() = default;
  // Runs until `stop` is set; throws on a fatal error (after cleaning up).
  virtual void run(const std::atomic<bool>& stop) = 0;
  // Thread-safe and quick (no I/O): what /healthz says.
  virtual observability::HealthStatus health() const = 0;
  // True once it is consuming; false again after it stopped.
  virtual bool started() const = 0;
  // True while its consumer group has given it partitions: records
  // produced now are read at once (the group's first join takes seconds).
  virtual bool has_partitions() const = 0;
};

}  // namespace e911::service
