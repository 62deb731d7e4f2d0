#pragma once
// A Kafka message as the plumbing hands it to handlers, and the small
// value types around it. Views are valid only during the handler call.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace e911::kafka {

struct Header {
  std::string name;
  std::string value;  // bytes; empty for a null header value
};
using Headers = std::vector<Header>;

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

struct Message {
  std::string_view topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::optional<std::string_view> key;  // nullopt: the message had no key
  std::string_view value;
  bool tombstone = false;               // null value: a delete on a compacted topic
  std::int64_t timestamp_ms = -1;       // -1 when the broker gave none
  Headers headers;

  // The first header named `name`, if any.
  std::optional<std::string_view> header(std::string_view name) const {
    for (const auto& h : headers) {
      if (h.name == name) return std::string_view(h.value);
    }
    return std::nullopt;
  }
};

}  // namespace e911::kafka
