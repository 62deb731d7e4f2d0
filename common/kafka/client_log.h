#pragma once
// Logging for the Kafka plumbing through the project logger (common/log.h,
// component "kafka"): librdkafka's own log lines, client errors and our
// events, each with "event" and "client" fields.

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/kafka/client_statistics.h"
#include "common/kafka/properties.h"
#include "common/log.h"

namespace e911::kafka {

// One line: `message` plus "event", "client" and the extra string fields.
void log_event(LogLevel level, std::string_view event, std::string_view client, std::string_view message,
               const std::vector<std::pair<std::string, std::string>>& fields = {});

// librdkafka event callback for one client: logs its log and error events
// and remembers a fatal error so the owner can surface it.
class ClientEvents : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override;

  // Called with each statistics document (statistics.interval.ms), on the
  // thread that serves the client's events. Set before the client is made.
  void set_statistics_handler(std::function<void(std::string_view json)> handler) {
    statistics_ = std::move(handler);
  }

  // Set once the client is created (librdkafka names it, e.g. rdkafka#producer-1).
  void set_client_name(std::string name);
  std::optional<std::string> fatal_error() const;
  bool has_fatal_error() const { return fatal_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mu_;
  std::string client_ = "rdkafka";
  std::optional<std::string> fatal_error_;
  std::atomic<bool> fatal_{false};
  std::function<void(std::string_view)> statistics_;
};

// Asks the client for statistics every statistics.interval.ms (10 s unless
// `props` set it) and hands each document to `hook`, parsed; one that does
// not parse is logged (a warning, the first time) and skipped. No hook: nothing.
void route_statistics(Properties& props, ClientEvents& events, std::function<void(const ClientStatistics&)> hook);

// librdkafka's syslog-style severity (0 emergency .. 7 debug) as our level.
LogLevel level_of_syslog(int severity);

}  // namespace e911::kafka
