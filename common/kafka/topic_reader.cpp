#include "common/kafka/topic_reader.h"

#include "common/kafka/topic_tail.h"

namespace e911::kafka {

ReadToEndResult read_to_end(const Properties& props, const std::string& topic,
                            const std::function<void(const Message&)>& on_message,
                            const ReadToEndOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  TopicTail tail(props, topic, options.partitions, options.timeout);
  const auto left = options.timeout - std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now() - started);
  ReadToEndResult result;
  result.partitions = tail.partition_count();
  result.messages = tail.catch_up(on_message, std::max(left, std::chrono::milliseconds(1)), true);
  return result;
}

}  // namespace e911::kafka
