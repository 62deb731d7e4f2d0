#include "common/kafka/client_log.h"

#include <memory>

namespace e911::kafka {

LogLevel level_of_syslog(int severity) {
  if (severity <= 3) return LogLevel::error;
  if (severity == 4) return LogLevel::warn;
  if (severity <= 6) return LogLevel::info;
  return LogLevel::debug;
}

void log_event(LogLevel level, std::string_view event, std::string_view client, std::string_view message,
               const std::vector<std::pair<std::string, std::string>>& fields) {
  if (!log_enabled(level)) return;
  std::vector<LogField> all;
  all.reserve(fields.size() + 2);
  all.emplace_back("event", event);
  all.emplace_back("client", client);
  for (const auto& [k, v] : fields) all.emplace_back(k, v);
  write_log(level, "kafka", message, all);
}

void ClientEvents::set_client_name(std::string name) {
  std::lock_guard lock(mu_);
  client_ = std::move(name);
}

std::optional<std::string> ClientEvents::fatal_error() const {
  std::lock_guard lock(mu_);
  return fatal_error_;
}

void route_statistics(Properties& props, ClientEvents& events, std::function<void(const ClientStatistics&)> hook) {
  if (!hook) return;
  set_default(props, "statistics.interval.ms", "10000");
  auto warned = std::make_shared<std::atomic<bool>>(false);
  events.set_statistics_handler([hook = std::move(hook), warned](std::string_view json) {
    auto statistics = parse_client_statistics(json);
    if (!statistics) {
      if (!warned->exchange(true))
        log_event(LogLevel::warn, "statistics", "rdkafka", statistics.error().message);
      return;
    }
    hook(*statistics);
  });
}

void ClientEvents::event_cb(RdKafka::Event& event) {
  std::string client;
  {
    std::lock_guard lock(mu_);
    client = client_;
  }
  switch (event.type()) {
    case RdKafka::Event::EVENT_LOG:
      log_event(level_of_syslog(event.severity()), "librdkafka", client, event.str(), {{"facility", event.fac()}});
      break;
    case RdKafka::Event::EVENT_ERROR:
      if (event.fatal()) {
        {
          std::lock_guard lock(mu_);
          if (!fatal_error_) fatal_error_ = RdKafka::err2str(event.err()) + ": " + event.str();
        }
        fatal_.store(true, std::memory_order_release);
        log_event(LogLevel::error, "fatal_error", client, event.str(), {{"error", RdKafka::err2str(event.err())}});
      } else {
        // Transport errors and the like: librdkafka retries by itself, but
        // an operator wants to see them.
        log_event(LogLevel::warn, "client_error", client, event.str(), {{"error", RdKafka::err2str(event.err())}});
      }
      break;
    case RdKafka::Event::EVENT_STATS:
      if (statistics_) statistics_(event.str());
      break;
    default:
      break;
  }
}

}  // namespace e911::kafka
