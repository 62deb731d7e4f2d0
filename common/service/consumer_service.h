#pragma once
// The consumer-service shell every Kafka component is built on (the
// locator, the notifier, the auditor; docs/operations.md, "Services"):
// its producer and dead-letter writer, its group consumer (emergency
// defaults, static membership), partition tracking, the loop, health from
// stalls and assignment, and a clean stop. A component supplies what
// differs as ConsumerHooks.
//
// The loop, on the thread that calls run():
//   starting()                     once: the producer is up, nothing consumed yet
//   repeat until stop or fail():
//     turn(now)                    registry reloads and such
//     ready()                      false: the partitions are paused (back-
//                                  pressure) and the loop goes on polling
//     batch(messages)              the ready messages, up to batch_max
//     handle(message, ack) ...     each of them, in order
//     batch({})                    they are handled
//     after_poll(n)                batched work (n may be 0: nothing came)
//   the consumer closes (in-flight work drained, offsets committed)
//   stopped()                      workers down; then the producer flushes
// A hook may throw StopRequested to end run() quietly, anything else to
// end it with that error (after the same clean-up).
//
// Threads: run() on one thread; fail(), mark_alive(), health() and the
// status from any.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/kafka/consumer.h"
#include "common/kafka/dead_letter_writer.h"
#include "common/kafka/producer.h"
#include "common/log.h"
#include "common/observability/health.h"
#include "common/observability/metrics_registry.h"
#include "common/service/kafka_client_metrics.h"

namespace e911::service {

using Clock = std::chrono::steady_clock;

struct ConsumerServiceOptions {
  std::string component;         // "locator": client.id e911-locator, log component
  kafka::Properties kafka;
  std::string group_id;
  std::vector<std::string> topics;         // consumed
  std::vector<std::string> output_topics;  // produced to besides the dead-letter topic
  std::string dead_letter_topic;
  std::size_t dead_letter_max_payload = 64 * 1024;
  // group.instance.id (ConsumerOptions::instance_id); empty: a dynamic member.
  std::string instance_id{};
  std::chrono::milliseconds poll_timeout{100};
  std::chrono::milliseconds drain_timeout{10000};
  std::size_t batch_max = 500;
  // /healthz is down when the loop has not turned for this long...
  std::chrono::milliseconds stall_limit{30000};
  // ...or (when set) has had no partition for this long.
  std::chrono::milliseconds unassigned_limit{0};
  // Where the Kafka client's health goes (kafka_client_metrics.h): lag per
  // partition in messages and seconds, assignment, rebalances, brokers, the
  // producer's queue. None: not exported.
  std::optional<observability::MetricsRegistry> metrics{};
};

// The shell's options from what every consuming component's options carry
// (kafka, group_id, instance_id, topics.dead_letter,
// dead_letter_max_payload), with what it consumes and produces; the rest
// keep their defaults for the component to set.
template <typename ComponentOptions>
ConsumerServiceOptions consumer_service_options(std::string component, const ComponentOptions& o,
                                                std::vector<std::string> topics,
                                                std::vector<std::string> output_topics) {
  ConsumerServiceOptions s;
  s.component = std::move(component);
  s.kafka = o.kafka;
  s.group_id = o.group_id;
  s.topics = std::move(topics);
  s.output_topics = std::move(output_topics);
  s.dead_letter_topic = o.topics.dead_letter;
  s.dead_letter_max_payload = o.dead_letter_max_payload;
  s.instance_id = o.instance_id;
  return s;
}

// Thrown by a hook to end run() without an error (a stop noticed inside it).
struct StopRequested : std::runtime_error {
  StopRequested() : std::runtime_error("stop requested") {}
};

class ConsumerService;

class ConsumerHooks {
 public:
  virtual ~ConsumerHooks() = default;
  virtual void starting(ConsumerService&) {}
  // The whole batch before its messages are handled, then an empty span
  // once they are (kafka::Consumer::BatchHook).
  virtual void batch(std::span<const kafka::Message> messages) { (void)messages; }
  virtual void handle(const kafka::Message& message, const kafka::Ack& ack) = 0;
  virtual void after_poll(std::size_t handled) { (void)handled; }
  // Whether the component takes more messages now. While it says no, the
  // loop pauses the partitions and keeps polling: the member stays in its
  // group however long the wait (blocking in handle() instead would have
  // it thrown out after max.poll.interval.ms, and its partitions moved to
  // another instance that may be as stuck). At most the message already
  // fetched comes in meanwhile.
  virtual bool ready() { return true; }
  virtual void turn(Clock::time_point now) { (void)now; }
  // Where a newly assigned partition starts (ConsumerOptions::start_offset);
  // nullopt: the group's committed offset.
  virtual std::optional<std::int64_t> start_offset(const std::string& topic, std::int32_t partition) {
    (void)topic, (void)partition;
    return std::nullopt;
  }
  virtual void assigned(const std::vector<kafka::TopicPartition>& partitions) { (void)partitions; }
  virtual void revoked(const std::vector<kafka::TopicPartition>& partitions) { (void)partitions; }
  virtual void stopped() {}
};

class ConsumerService {
 public:
  explicit ConsumerService(ConsumerServiceOptions options);
  ConsumerService(const ConsumerService&) = delete;
  ConsumerService& operator=(const ConsumerService&) = delete;

  // The loop above. Throws what ended it (a KafkaError, a hook's error, or
  // std::runtime_error with what fail() was told), after cleaning up.
  void run(ConsumerHooks& hooks, const std::atomic<bool>& stop);

  // While run() runs (from starting() on).
  kafka::Producer& producer() { return *producer_; }
  kafka::DeadLetterWriter& dead_letters() { return *dead_letters_; }

  // Ends run() with this error (the first one given is kept).
  void fail(std::string why);
  bool failed() const { return failed_.load(); }
  // Waiting on purpose (back-pressure, a store being retried) is not a stall.
  void mark_alive();

  bool started() const { return started_.load(); }
  bool has_partitions() const { return has_partitions_.load(); }
  // down when failed, not started (`starting` says why), stalled or (with
  // unassigned_limit) without partitions; else ok.
  observability::HealthStatus health(std::string_view starting = "starting") const;

  const ConsumerServiceOptions& options() const { return options_; }
  const Logger& log() const { return log_; }

 private:
  void loop(kafka::Consumer& consumer, ConsumerHooks& hooks, const std::atomic<bool>& stop);

  ConsumerServiceOptions options_;
  Logger log_;
  std::unique_ptr<KafkaClientMetrics> kafka_metrics_;  // with options_.metrics
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<kafka::DeadLetterWriter> dead_letters_;
  std::atomic<bool> started_{false};
  std::atomic<bool> has_partitions_{false};
  std::atomic<bool> failed_{false};
  std::atomic<std::int64_t> last_turn_ms_{0};
  std::atomic<std::int64_t> last_assigned_ms_{0};
  mutable std::mutex failure_mu_;
  std::string failure_;
};

}  // namespace e911::service
