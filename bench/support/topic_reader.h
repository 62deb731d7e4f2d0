#pragma once
// A consumer on a thread of its own that tells the bench the moment each
// message was readable (its own group, the clients' settings).

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "bench/support/report.h"
#include "common/kafka/message.h"
#include "common/kafka/properties.h"

namespace e911::bench {

class TopicReader {
 public:
  using OnMessage = std::function<void(const kafka::Message&, Clock::time_point read_at)>;
  TopicReader(const kafka::Properties& props, std::string group, std::string topic, OnMessage on_message,
              std::string thread_name);
  ~TopicReader() { stop(); }
  TopicReader(const TopicReader&) = delete;
  TopicReader& operator=(const TopicReader&) = delete;

  void stop();
  std::uint64_t count() const { return count_.load(); }
  std::string error() const;

 private:
  OnMessage on_message_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> count_{0};
  mutable std::mutex mu_;
  std::string error_;
  std::thread thread_;  // last
};

}  // namespace e911::bench
