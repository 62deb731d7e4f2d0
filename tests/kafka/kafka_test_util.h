#pragma once
// Helpers for tests against the embedded broker: polling a consumer until a
// condition holds (with a deadline), test client properties, unique names.

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <unistd.h>

#include "common/kafka/consumer.h"
#include "common/kafka/embedded_broker.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace e911::kafka::test {

// wait_until, kDeadline, TempDir: the tests' own (tests/support).
using namespace e911::test;

// Polls `consumer` until `done()` or the deadline; true if done.
inline bool poll_until(Consumer& consumer, const Consumer::Handler& handler, const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = kDeadline) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    consumer.poll(handler, std::chrono::milliseconds(50));
  }
  return true;
}

// Client properties for tests: the embedded defaults, and a short session
// timeout so a group emptied by one test step is joinable again in ~2 s
// (the mock waits session.timeout.ms - 1 s).
inline Properties test_properties(const EmbeddedBroker& broker) {
  Properties props = broker.client_properties();
  props["session.timeout.ms"] = "3000";
  return props;
}

inline std::string unique_name(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

}  // namespace e911::kafka::test
