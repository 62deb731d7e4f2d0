#include "common/kafka/dead_letter_writer.h"

#include "common/kafka/client_log.h"

namespace e911::kafka {

DeadLetterWriter::DeadLetterWriter(Producer& producer, std::string topic, std::string component,
                                   std::size_t max_payload_bytes)
    : producer_(producer),
      topic_(std::move(topic)),
      component_(std::move(component)),
      max_payload_bytes_(max_payload_bytes) {}

void DeadLetterWriter::write(const Message& message, std::string_view reason, const Ack& ack) {
  write(make_dead_letter(component_, reason, message, now_millis()), [ack](const DeliveryReport& report) {
    if (report.ok()) ack.done();
  });
}

void DeadLetterWriter::write(const DeadLetterRecord& record, DeliveryCallback on_delivered) {
  const std::string encoded = encode_dead_letter(record, max_payload_bytes_);
  std::optional<std::string_view> key;
  if (record.key) key = *record.key;
  producer_.produce(
      topic_, key, encoded, {{"e911-component", record.component}},
      [counters = counters_, on_delivered = std::move(on_delivered), component = record.component,
       source = record.topic + "/" + std::to_string(record.partition) + "@" + std::to_string(record.offset)](
          const DeliveryReport& report) {
        if (report.ok()) {
          counters->written.fetch_add(1, std::memory_order_relaxed);
        } else {
          counters->failed.fetch_add(1, std::memory_order_relaxed);
          log_event(LogLevel::error, "dead_letter_failed", component,
                    "dead-letter record not delivered; the message will be consumed again",
                    {{"source", source}, {"error", report.error}});
        }
        if (on_delivered) on_delivered(report);
      });
}

}  // namespace e911::kafka
