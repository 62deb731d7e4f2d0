#pragma once
// Dead-letter records (schema e911.dead-letter/v1, schemas/dead-letter.v1.schema.json):
// input a component could not process, with the reason and where it was
// read, so bad input is never lost, never crashes a consumer and never
// blocks a partition. Pure: encoding only; DeadLetterWriter sends them.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/kafka/message.h"
#include "common/timestamp.h"

namespace e911::kafka {

inline constexpr std::string_view kDeadLetterSchema = "e911.dead-letter/v1";
inline constexpr std::size_t kDefaultMaxDeadLetterPayload = 64 * 1024;

struct DeadLetterRecord {
  std::string component;  // locator, notifier, auditor, ingest...
  std::string reason;     // names the field: device.ip: not an IP address: "10.40.1.999"
  std::string topic;      // where the message was read
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::optional<std::string> key;  // nullopt: the message had none
  std::string payload;             // the original bytes, whole
  EpochMillis at = 0;              // when it was rejected
};

// A record for a consumed message.
DeadLetterRecord make_dead_letter(std::string_view component, std::string_view reason, const Message& message,
                                  EpochMillis at);

// One JSON object (no newline). The payload is "payload" when it is valid
// UTF-8, else "payload_base64"; either keeps at most `max_payload_bytes`
// of the original (text cut at a character boundary) and then says
// "payload_truncated":true. "payload_bytes" is always the original size.
// A key that is not UTF-8 is "key": null plus "key_base64".
std::string encode_dead_letter(const DeadLetterRecord& record,
                               std::size_t max_payload_bytes = kDefaultMaxDeadLetterPayload);


}  // namespace e911::kafka
