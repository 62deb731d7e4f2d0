#include "common/kafka/message_view.h"

#include <memory>

namespace e911::kafka {

Message view_of(RdKafka::Message& m, const std::string& topic) {
  Message out;
  out.topic = topic;
  out.partition = m.partition();
  out.offset = m.offset();
  if (m.key_pointer() != nullptr) {
    out.key = std::string_view(static_cast<const char*>(m.key_pointer()), m.key_len());
  }
  if (m.payload() != nullptr) {
    out.value = std::string_view(static_cast<const char*>(m.payload()), m.len());
  } else {
    out.tombstone = true;
  }
  const auto ts = m.timestamp();
  out.timestamp_ms = ts.type == RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE ? -1 : ts.timestamp;
  // headers() wraps the message's headers; the message keeps ownership.
  if (RdKafka::Headers* hs = m.headers()) {
    for (const auto& h : hs->get_all()) {
      out.headers.push_back(
          {h.key(), h.value() ? std::string(static_cast<const char*>(h.value()), h.value_size()) : std::string()});
    }
  }
  return out;
}

}  // namespace e911::kafka
