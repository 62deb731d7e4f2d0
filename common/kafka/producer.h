#pragma once
// The idempotent producer every component writes with: enable.idempotence
// and acks=all are enforced (the design's delivery guarantee), delivery
// reports are counted and handed to per-message callbacks, and errors are
// thrown or reported, never swallowed.
//
// Threads: produce() and flush() may be called from any thread. Delivery
// callbacks run on the producer's own poll thread (or inside flush()), so
// they must be quick and thread-safe; an Ack::done() is both.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/kafka/client_log.h"
#include "common/kafka/message.h"
#include "common/kafka/properties.h"

namespace e911::kafka {

struct DeliveryReport {
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;  // where it landed; -1 when it failed
  int error_code = 0;        // RdKafka::ErrorCode; 0 on success
  std::string error;         // empty on success
  bool ok() const { return error_code == 0; }
};
using DeliveryCallback = std::function<void(const DeliveryReport&)>;

struct ProducerOptions {
  std::string client_id{};  // client.id unless the properties set one
  // Topics this producer writes to. Their metadata is fetched up front:
  // otherwise the first message to each topic after the first waits about
  // a second for librdkafka's topic scan, which an emergency call should not.
  std::vector<std::string> topics{};
  std::chrono::milliseconds warm_up_timeout{5000};
  // How long produce() waits for room when the local queue is full before
  // it throws (back-pressure instead of unbounded memory).
  std::chrono::milliseconds enqueue_timeout{10000};
  // How long the destructor waits for outstanding deliveries.
  std::chrono::milliseconds close_timeout{10000};
  // librdkafka's statistics, parsed, every statistics.interval.ms (10 s
  // unless the properties say otherwise), on the producer's poll thread.
  std::function<void(const ClientStatistics&)> on_statistics{};
  // Called once per message Kafka did not acknowledge (after librdkafka's
  // own retries), on the producer's poll thread, before its callback.
  std::function<void()> on_delivery_failure{};
};

struct ProducerStats {
  std::uint64_t enqueued = 0;
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;
};

class Producer {
 public:
  // Defaults: linger.ms=1, socket.nagle.disable=true (latency first; both
  // overridable). Required: enable.idempotence=true, acks=all. Throws
  // KafkaError on a bad property or a client that cannot be created.
  explicit Producer(const Properties& props, ProducerOptions options = {});
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Enqueues one message (key nullopt: no key). `on_delivery` runs once,
  // when Kafka acknowledged it (acks=all) or it finally failed. Throws
  // KafkaError if it cannot be enqueued (queue full past enqueue_timeout,
  // message too large, fatal producer error); `on_delivery` is then not
  // called.
  void produce(std::string_view topic, std::optional<std::string_view> key, std::string_view value,
               const Headers& headers = {}, DeliveryCallback on_delivery = {});

  // A null value for `key`: a delete on a compacted topic (a user's
  // registered location withdrawn). Otherwise like produce().
  void produce_tombstone(std::string_view topic, std::string_view key, DeliveryCallback on_delivery = {});

  // Waits until every enqueued message is delivered or failed. False on
  // timeout (messages still in flight).
  bool flush(std::chrono::milliseconds timeout);

  // flush(), and what is still undelivered after `timeout` is purged: its
  // callbacks run now, reporting failure (a stop with the broker gone
  // ends within the timeout; nothing is reported as delivered that was
  // not). False when something had to be purged. The destructor does this
  // with close_timeout.
  bool drain(std::chrono::milliseconds timeout);

  ProducerStats stats() const;
  // Set once librdkafka reported a fatal error; produce() then throws.
  std::optional<std::string> fatal_error() const { return events_.fatal_error(); }
  const std::string& name() const { return name_; }

 private:
  class DeliveryReporter;
  void poll_loop();
  void warm_up();
  void enqueue(std::string_view topic, const void* key, std::size_t key_len, const char* value,
               std::size_t value_len, const Headers& headers, DeliveryCallback on_delivery);

  ClientEvents events_;
  std::unique_ptr<DeliveryReporter> reporter_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::string name_;
  ProducerOptions options_;
  std::atomic<bool> stopping_{false};
  std::thread poller_;
};

}  // namespace e911::kafka
