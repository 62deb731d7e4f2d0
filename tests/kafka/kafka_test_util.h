#pragma once
// Helpers for tests against the embedded broker: wait on a condition with
// a deadline (never a fixed sleep), unique names, temp files.

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

namespace e911::kafka::test {

// Generous: a condition that holds is seen at once; this only bounds a
// failing test (and sanitizer builds on a busy CI machine).
inline constexpr std::chrono::seconds kDeadline{60};

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

// Polls `done()` until it holds or `timeout` passes; true if it held.
inline bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = kDeadline) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition, with a deadline
  }
  return true;
}

inline std::string unique_name(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / unique_name("e911-kafka-test")) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& content) const {
    const auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace e911::kafka::test
