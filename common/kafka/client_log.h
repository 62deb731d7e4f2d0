#pragma once
// Logging for the Kafka plumbing through the project logger (common/log.h,
// component "kafka"): librdkafka's own log lines, client errors and our
// events, each with "event" and "client" fields.

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

  // Set once the client is created (librdkafka names it, e.g. rdkafka#producer-1).
  void set_client_name(std::string name);
  std::optional<std::string> fatal_error() const;
  bool has_fatal_error() const { return fatal_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mu_;
  std::string client_ = "rdkafka";
  std::optional<std::string> fatal_error_;
  std::atomic<bool> fatal_{false};
};

// librdkafka's syslog-style severity (0 emergency .. 7 debug) as our level.
LogLevel level_of_syslog(int severity);

}  // namespace e911::kafka
