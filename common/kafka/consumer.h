#pragma once
// The group consumer every component reads with, at-least-once:
//
// - enable.auto.offset.store=false: an offset is stored (offset+1) only
//   after the handler's Ack says the message's work is durable (output
//   acknowledged by Kafka, row committed, dead letter delivered). Work may
//   finish out of order or on another thread; an offset is stored only
//   once everything before it in the partition is done (OffsetTracker).
// - Stored offsets are committed periodically (enable.auto.commit), and
//   synchronously on revoke and on close.
// - Rebalance hooks let a component rebuild state for the partitions it
//   now owns (the locator re-reads the compacted location-updates topic).
// - close() (also what run() ends with when the stop flag is set) waits
//   for in-flight work up to drain_timeout, commits and leaves the group.
// - Emergency defaults (docs/operations.md, "Consumer groups"), each
//   overridable: session.timeout.ms=10000 and heartbeat.interval.ms=1000,
//   so a crashed instance's partitions move within seconds rather than
//   librdkafka's 45 s; with ConsumerOptions::instance_id the member is
//   static (group.instance.id), and a restarted instance takes its
//   partitions back at once on brokers that support it (Kafka >= 2.3).
// - Prefetch bounded by its byte limit, with a message-count limit of
//   kPrefetchMinMessages set high enough that a consumer catching up on a
//   backlog of small events reaches the bytes first (below).
// - The per-message cost is kept to a minimum: poll_batch() hands out up
//   to `max` messages per call with one lock for their bookkeeping and one
//   offsets_store() after them; an Ack points at its partition's state
//   directly.
//
// Threads: the Consumer itself is used from one thread. Ack::done() may
// be called from any thread (e.g. a producer delivery callback).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/kafka/client_log.h"
#include "common/kafka/message.h"
#include "common/kafka/properties.h"

namespace e911::kafka {

namespace detail {
struct AckState;
struct PartitionSlot;
}

// Says one consumed message's work is durable. Cheap to copy; calling
// done() more than once, or after the partition was revoked or the
// consumer closed, is harmless. Never calling it means the message is
// consumed again after a restart or rebalance.
class Ack {
 public:
  Ack() = default;  // acknowledges nothing (for tests and tools)
  void done() const;
  const std::string& topic() const;
  std::int32_t partition() const;
  std::int64_t offset() const { return offset_; }

 private:
  friend class Consumer;
  std::shared_ptr<detail::PartitionSlot> slot_;  // null: acknowledges nothing
  std::int64_t offset_ = 0;
};

// queued.min.messages of every Consumer unless the properties set it.
// librdkafka stops fetching while its local queue holds that many messages
// (100,000 by default; the count is over all partitions) and, in 2.0 (the
// version Debian 12 ships), looks again only at its broker thread's next
// wake-up, up to a second later: a consumer faster than 100,000 events/s
// then idles for most of that second. With 500,000 the byte limit
// (queued.max.messages.kbytes, 64 MiB by default) is what bounds the
// prefetch of any message over 134 bytes (a call event is about 360), and
// the count still bounds librdkafka's per-message overhead for a backlog
// of tiny ones. docs/decisions/0013-consumer-prefetch.md.
inline constexpr std::string_view kPrefetchMinMessages = "500000";

using PartitionsHook = std::function<void(const std::vector<TopicPartition>&)>;

struct ConsumerOptions {
  std::string group_id{};            // required unless the properties set group.id
  std::vector<std::string> topics{};
  std::string client_id{};           // client.id unless the properties set one
  // group.instance.id unless the properties set one: a static member,
  // stable across restarts of this instance (and unique in the group).
  std::string instance_id{};
  // Called on the consumer thread, inside poll(). on_assigned runs after the
  // partitions are assigned and before any of their messages is handed
  // out; on_revoked after the final commit for them.
  PartitionsHook on_assigned{};
  PartitionsHook on_revoked{};
  // Where to start each newly assigned partition, when the component keeps
  // its own offsets (the auditor: in its database, in the same transaction
  // as its output). Asked on the consumer thread, inside poll(), before the
  // partitions are assigned; a value starts the partition at that offset,
  // nullopt at the group's committed offset (or auto.offset.reset). If it
  // throws, the partitions are assigned without start offsets and poll()
  // rethrows: treat that as fatal and close the consumer.
  std::function<std::optional<std::int64_t>(const std::string& topic, std::int32_t partition)> start_offset{};
  // librdkafka's statistics, parsed (client_statistics.h), every
  // statistics.interval.ms (10 s unless the properties say otherwise), on
  // the consumer thread inside poll(). Unset: no statistics.
  std::function<void(const ClientStatistics&)> on_statistics{};
  // How long poll() in run() blocks, i.e. how soon a stop is noticed.
  std::chrono::milliseconds poll_timeout{100};
  // How long revoke and close wait for in-flight work before committing.
  std::chrono::milliseconds drain_timeout{10000};
  // How long close() waits for the final commit and for leaving the group
  // (a broker that is gone must not hang a stop).
  std::chrono::milliseconds close_timeout{5000};
};

struct ConsumerStats {
  std::uint64_t received = 0;        // messages handed to the handler
  std::uint64_t offsets_stored = 0;  // offsets_store() calls that advanced a partition
  std::uint64_t errors = 0;          // consumer error events
};

// The librdkafka properties a Consumer is created with: `user_props` as
// for a consumer, with the options and the defaults above (each kept if
// the user set it). Throws KafkaError without a group id or a topic, or
// when a property contradicts at-least-once consumption.
Properties consumer_properties(const Properties& user_props, const ConsumerOptions& options);

class Consumer {
 public:
  using Handler = std::function<void(const Message&, const Ack&)>;
  // Sees a whole batch before its first message is handled (the same
  // views, in the same order), for work that is cheaper done for many
  // messages at once, such as decoding them on another core; then an
  // empty span once the batch is handled (also when a handler threw; that
  // call must not throw): the views are not valid after it returns.
  using BatchHook = std::function<void(std::span<const Message>)>;

  // Defaults: enable.auto.commit=true, auto.offset.reset=earliest (a new
  // group must not skip emergency calls already in the topic). Required:
  // enable.auto.offset.store=false. Throws KafkaError.
  Consumer(const Properties& props, ConsumerOptions options);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Waits up to `timeout` for one message and hands it to `handler`.
  // Serves rebalances. True if a message was handled. Throws KafkaError on
  // a fatal client error, and rethrows what the handler or a hook threw
  // (that message's offset is then not stored).
  bool poll(const Handler& handler, std::chrono::milliseconds timeout) { return poll_batch(handler, 1, timeout) > 0; }

  // Waits up to `timeout` for a first message, takes up to `max` that are
  // ready (never waiting for more), and hands them to `handler` in order.
  // Returns how many were handled. Errors as poll().
  // `batch`, when set: see BatchHook.
  std::size_t poll_batch(const Handler& handler, std::size_t max, std::chrono::milliseconds timeout,
                         const BatchHook& batch = {});

  // poll() until `stop` is set (e.g. by SIGTERM, see stop_signal.h), then
  // close(). The message in hand is finished first. If the handler throws,
  // closes and rethrows.
  void run(const Handler& handler, const std::atomic<bool>& stop);

  // Waits for in-flight work (drain_timeout), stores and commits what is
  // done, leaves the group, all within drain_timeout + close_timeout.
  // Idempotent; the destructor calls it.
  void close();

  // Back-pressure without leaving the group: pause() stops fetching from
  // every assigned partition, and from those assigned later, until
  // resume(). poll() must go on being called meanwhile: it serves the
  // group (heartbeats, rebalances, max.poll.interval.ms) and hands out
  // nothing new; a message fetched before the pause may still come once.
  // Fetching resumes after the last message handed out, so nothing is
  // skipped. Blocking inside a handler instead would get the member
  // thrown out of its group after max.poll.interval.ms. Consumer thread.
  void pause();
  void resume();
  bool paused() const { return paused_; }

  std::vector<TopicPartition> assignment() const;
  ConsumerStats stats() const;
  const std::string& name() const { return name_; }

 private:
  class Rebalancer;
  void on_assign(std::vector<RdKafka::TopicPartition*>& partitions);
  void on_revoke(std::vector<RdKafka::TopicPartition*>& partitions);
  bool take_error(RdKafka::Message& msg);
  const std::shared_ptr<detail::PartitionSlot>* slot_of(const void* topic_handle, std::int32_t partition);
  void wait_for_in_flight();
  void store_completed();
  void commit_sync(const char* why);
  void set_paused(std::vector<RdKafka::TopicPartition*>& partitions, bool paused);

  ClientEvents events_;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::shared_ptr<detail::AckState> acks_;
  ConsumerOptions options_;
  std::string name_;
  bool closed_ = false;
  bool closing_ = false;
  bool paused_ = false;
  std::exception_ptr hook_error_;

  // The assigned partitions' slots (consumer thread; their bookkeeping
  // under acks_->mu). Looked up by librdkafka's topic handle and partition.
  struct Assigned {
    const void* topic_handle = nullptr;  // rd_kafka_topic_t*, once a message showed it
    std::shared_ptr<detail::PartitionSlot> slot;
  };
  std::vector<Assigned> slots_;
  std::vector<std::unique_ptr<RdKafka::Message>> batch_;  // reused by poll_batch
  std::vector<Message> views_;                            // of batch_, while it is handled

  mutable std::mutex assignment_mu_;
  std::vector<TopicPartition> assignment_;
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> stored_{0};
  std::atomic<std::uint64_t> errors_{0};
};

}  // namespace e911::kafka
