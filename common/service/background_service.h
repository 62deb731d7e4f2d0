#pragma once
// A Service on a thread of its own, for the demo (several services in one
// process), the tests and the benchmarks: starts it, keeps the error it
// ended with, stops and joins it.

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "common/service/service.h"

namespace e911::service {

class BackgroundService {
 public:
  // Starts service.run() on a new thread; `service` must outlive this.
  explicit BackgroundService(Service& service);
  ~BackgroundService();  // stop()
  BackgroundService(const BackgroundService&) = delete;
  BackgroundService& operator=(const BackgroundService&) = delete;

  // Sets the stop flag and joins (idempotent).
  void stop();
  // Until `timeout`: true once the service has started, false when it
  // ended (failed) or the time is up.
  bool wait_started(std::chrono::milliseconds timeout) const;
  // True once run() ended with an error; error() says what.
  bool failed() const { return failed_.load(); }
  std::string error() const;

 private:
  Service& service_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<bool> ended_{false};
  mutable std::mutex mu_;
  std::string error_;
  std::thread thread_;  // last: started once the rest exists
};

}  // namespace e911::service
