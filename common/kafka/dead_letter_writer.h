#pragma once
// Sends dead-letter records to e911.dead-letter through the idempotent
// Producer. The rejected message counts as processed only once its record
// is acknowledged by Kafka: write() completes the message's Ack from the
// delivery report. If the record cannot be delivered the Ack is left
// open, so the message is consumed again after a restart or rebalance
// rather than lost; the failure is logged and counted.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/kafka/consumer.h"
#include "common/kafka/dead_letter.h"
#include "common/kafka/producer.h"

namespace e911::kafka {

class DeadLetterWriter {
 public:
  DeadLetterWriter(Producer& producer, std::string topic, std::string component,
                   std::size_t max_payload_bytes = kDefaultMaxDeadLetterPayload);

  // Dead-letters a consumed message and completes `ack` once the record
  // is delivered. Throws KafkaError if it cannot even be enqueued.
  void write(const Message& message, std::string_view reason, const Ack& ack);

  // Dead-letters any record (e.g. a rejected webhook body); `on_delivered`
  // gets the delivery report. Keyed by the record's key.
  void write(const DeadLetterRecord& record, DeliveryCallback on_delivered = {});

  std::uint64_t written() const { return counters_->written.load(); }    // delivered
  std::uint64_t failed() const { return counters_->failed.load(); }      // not delivered
  const std::string& topic() const { return topic_; }

 private:
  struct Counters {
    std::atomic<std::uint64_t> written{0};
    std::atomic<std::uint64_t> failed{0};
  };
  Producer& producer_;
  std::string topic_;
  std::string component_;
  std::size_t max_payload_bytes_;
  // Shared with delivery callbacks, which may run after the writer is gone.
  std::shared_ptr<Counters> counters_ = std::make_shared<Counters>();
};

}  // namespace e911::kafka
