#include "common/kafka/dead_letter.h"

#include "common/encoding.h"


#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/text.h"

namespace e911::kafka {
namespace {

// Keys are identifiers; a huge one is hostile and not worth keeping whole.
constexpr std::size_t kMaxKeyBytes = 1024;

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Length of the longest prefix of valid UTF-8 `text` that fits in `max`
// bytes without splitting a character.
std::size_t utf8_prefix(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text.size();
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xc0) == 0x80) --n;  // continuation byte
  return n;
}

}  // namespace


DeadLetterRecord make_dead_letter(std::string_view component, std::string_view reason, const Message& message,
                                  EpochMillis at) {
  DeadLetterRecord r;
  r.component = component;
  r.reason = reason;
  r.topic = message.topic;
  r.partition = message.partition;
  r.offset = message.offset;
  if (message.key) r.key = std::string(*message.key);
  r.payload = message.value;
  r.at = at;
  return r;
}

std::string encode_dead_letter(const DeadLetterRecord& record, std::size_t max_payload_bytes) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("schema");
  write_string(w, kDeadLetterSchema);
  w.Key("component");
  write_string(w, record.component.empty() ? "unknown" : record.component);
  w.Key("reason");
  write_string(w, record.reason.empty() ? "unspecified" : record.reason);

  w.Key("source");
  w.StartObject();
  w.Key("topic");
  write_string(w, record.topic.empty() ? "unknown" : record.topic);
  w.Key("partition");
  w.Int(std::max(record.partition, 0));
  w.Key("offset");
  w.Int64(std::max<std::int64_t>(record.offset, 0));
  w.Key("key");
  if (!record.key) {
    w.Null();
  } else if (is_valid_utf8(*record.key)) {
    const std::size_t keep = utf8_prefix(*record.key, kMaxKeyBytes);
    write_string(w, std::string_view(*record.key).substr(0, keep));
    if (keep < record.key->size()) {
      w.Key("key_truncated");
      w.Bool(true);
    }
  } else {
    w.Null();
    w.Key("key_base64");
    write_string(w, base64_encode(std::string_view(*record.key).substr(0, kMaxKeyBytes)));
    if (record.key->size() > kMaxKeyBytes) {
      w.Key("key_truncated");
      w.Bool(true);
    }
  }
  w.EndObject();

  const std::string_view payload = record.payload;
  bool truncated = false;
  if (is_valid_utf8(payload)) {
    const std::size_t keep = utf8_prefix(payload, max_payload_bytes);
    truncated = keep < payload.size();
    w.Key("payload");
    write_string(w, payload.substr(0, keep));
  } else {
    const std::size_t keep = std::min(payload.size(), max_payload_bytes);
    truncated = keep < payload.size();
    w.Key("payload_base64");
    write_string(w, base64_encode(payload.substr(0, keep)));
  }
  w.Key("payload_bytes");
  w.Uint64(payload.size());
  w.Key("payload_truncated");
  w.Bool(truncated);
  w.Key("at");
  write_string(w, format_rfc3339(record.at));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace e911::kafka
