#pragma once
// Follows every partition of a topic from its beginning, outside any
// consumer group: for state that each instance keeps whole, such as the
// locator's per-user registered locations from the compacted
// e911.location-updates topic. catch_up() reads to where the topic ends
// now (start-up); poll() then hands over what arrives later (tailing).
// Nothing is committed: each start reads the topic again.
//
// Threads: one thread uses a TopicTail.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/kafka/client_log.h"
#include "common/kafka/message.h"
#include "common/kafka/properties.h"

namespace RdKafka {
class Consumer;
class Queue;
class Topic;
}  // namespace RdKafka

namespace e911::kafka {

using MessageHandler = std::function<void(const Message&)>;

class TopicTail {
 public:
  // Starts `partitions` of `topic` (empty: all) at their beginning. Throws
  // KafkaError if the topic or a partition asked for does not exist, or
  // metadata does not arrive within `timeout`.
  TopicTail(const Properties& props, std::string topic, std::vector<std::int32_t> partitions = {},
            std::chrono::milliseconds timeout = std::chrono::seconds(60));
  ~TopicTail();
  TopicTail(const TopicTail&) = delete;
  TopicTail& operator=(const TopicTail&) = delete;

  // Hands every message up to each partition's end as of this call to
  // `on_message`, in offset order per partition. With `stop_at_end`,
  // messages past that end are not handed over (they are lost to this
  // tail: for one-shot reads). Throws KafkaError when the end is not
  // reached within `timeout`; rethrows what `on_message` throws.
  std::uint64_t catch_up(const MessageHandler& on_message, std::chrono::milliseconds timeout,
                         bool stop_at_end = false);

  // Hands over messages until `partition` has been read past `offset` (a
  // record this process produced and Kafka acknowledged there), without
  // asking the broker where the partition ends. Throws KafkaError when
  // that is not reached within `timeout`.
  std::uint64_t catch_up_to(std::int32_t partition, std::int64_t offset, const MessageHandler& on_message,
                            std::chrono::milliseconds timeout);

  // Hands over the messages that have arrived, waiting up to `wait` for
  // the first one. Returns how many were handed over.
  std::uint64_t poll(const MessageHandler& on_message, std::chrono::milliseconds wait);

  const std::string& topic() const { return topic_; }
  std::int32_t partition_count() const { return static_cast<std::int32_t>(partitions_.size()); }
  // Set once librdkafka reported a fatal error.
  bool failed() const { return events_.has_fatal_error(); }

 private:
  // One message from the queue; false when none arrived within `wait_ms`.
  bool consume_one(const MessageHandler& on_message, int wait_ms, std::map<std::int32_t, std::int64_t>* ends,
                   bool stop_at_end, std::uint64_t& handed);

  // Hands over messages until every partition of `ends` reached its end
  // (removed as each does); throws KafkaError at `deadline`.
  std::uint64_t read_to(std::map<std::int32_t, std::int64_t>& ends, const MessageHandler& on_message,
                        std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds timeout,
                        bool stop_at_end);

  std::string topic_;
  ClientEvents events_;
  std::unique_ptr<RdKafka::Consumer> consumer_;
  std::unique_ptr<RdKafka::Topic> handle_;
  std::unique_ptr<RdKafka::Queue> queue_;
  std::vector<std::int32_t> partitions_;
  // The offset after the last message read of each partition: a later
  // catch_up() need not wait for what was read already (its end-of-
  // partition event may have been taken by a poll() in between).
  std::map<std::int32_t, std::int64_t> next_offset_;
};

}  // namespace e911::kafka
