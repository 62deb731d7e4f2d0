#include "common/kafka/topic_reader.h"

#include <algorithm>
#include <map>
#include <memory>

#include "common/kafka/client_log.h"
#include "common/kafka/error.h"
#include "common/kafka/message_view.h"

namespace e911::kafka {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(left, 0));
}

}  // namespace

ReadToEndResult read_to_end(const Properties& user_props, const std::string& topic,
                            const std::function<void(const Message&)>& on_message,
                            const ReadToEndOptions& options) {
  const auto deadline = Clock::now() + options.timeout;
  Properties props = for_client(user_props, ClientKind::consumer);
  // The simple (legacy) consumer: explicit partitions, no group, nothing
  // committed, so it never disturbs the component's consumer group.
  props.erase("group.id");
  props["enable.partition.eof"] = "true";
  props["enable.auto.commit"] = "false";
  props["auto.offset.reset"] = "earliest";  // retention moved the start: begin at the new start

  ClientEvents events;
  auto conf = make_conf(props);
  std::string errstr;
  if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events), errstr) != RdKafka::Conf::CONF_OK) {
    throw KafkaError("cannot configure the topic reader: " + errstr);
  }
  std::unique_ptr<RdKafka::Consumer> consumer(RdKafka::Consumer::create(conf.get(), errstr));
  if (!consumer) throw KafkaError("cannot create a Kafka consumer: " + errstr);
  events.set_client_name(consumer->name());
  std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(consumer.get(), topic, nullptr, errstr));
  if (!handle) throw KafkaError("cannot read topic " + topic + ": " + errstr);

  RdKafka::Metadata* raw_md = nullptr;
  if (const auto err = consumer->metadata(false, handle.get(), &raw_md, remaining_ms(deadline));
      err != RdKafka::ERR_NO_ERROR) {
    throw KafkaError("cannot read topic " + topic + ": no metadata: " + RdKafka::err2str(err), err);
  }
  std::unique_ptr<RdKafka::Metadata> md(raw_md);
  std::vector<std::int32_t> partitions;
  for (const auto* t : *md->topics()) {
    if (t->topic() != topic) continue;
    if (t->err() != RdKafka::ERR_NO_ERROR) {
      throw KafkaError("cannot read topic " + topic + ": " + RdKafka::err2str(t->err()), t->err());
    }
    for (const auto* p : *t->partitions()) partitions.push_back(p->id());
  }
  if (partitions.empty()) throw KafkaError("cannot read topic " + topic + ": it has no partitions");
  if (!options.partitions.empty()) {
    for (const auto p : options.partitions) {
      if (std::find(partitions.begin(), partitions.end(), p) == partitions.end()) {
        throw KafkaError("cannot read topic " + topic + ": no partition " + std::to_string(p));
      }
    }
    partitions = options.partitions;
  }

  // The end of each partition, now; only non-empty partitions are started.
  std::unique_ptr<RdKafka::Queue> queue(RdKafka::Queue::create(consumer.get()));
  std::map<std::int32_t, std::int64_t> end_of;
  for (const auto p : partitions) {
    std::int64_t low = 0, high = 0;
    if (const auto err = consumer->query_watermark_offsets(topic, p, &low, &high, remaining_ms(deadline));
        err != RdKafka::ERR_NO_ERROR) {
      throw KafkaError("cannot read topic " + topic + " partition " + std::to_string(p) +
                           ": no watermarks: " + RdKafka::err2str(err),
                       err);
    }
    if (high <= low) continue;
    if (const auto err = consumer->start(handle.get(), p, low, queue.get()); err != RdKafka::ERR_NO_ERROR) {
      throw KafkaError("cannot read topic " + topic + " partition " + std::to_string(p) + ": " +
                           RdKafka::err2str(err),
                       err);
    }
    end_of[p] = high;
  }

  ReadToEndResult result;
  result.partitions = static_cast<std::int32_t>(partitions.size());
  std::map<std::int32_t, std::int64_t> pending = end_of;
  const auto finish = [&](std::int32_t p) {
    if (pending.erase(p)) consumer->stop(handle.get(), p);
  };
  try {
    while (!pending.empty()) {
      consumer->poll(0);  // serve log and error events
      const int wait = remaining_ms(deadline);
      if (wait == 0) {
        std::string behind;
        for (const auto& [p, end] : pending) behind += (behind.empty() ? "" : ", ") + std::to_string(p);
        throw KafkaError("reading topic " + topic + " to its end timed out after " +
                         std::to_string(options.timeout.count()) + " ms; partition(s) not finished: " + behind);
      }
      std::unique_ptr<RdKafka::Message> msg(consumer->consume(queue.get(), std::min(wait, 100)));
      const auto p = msg->partition();
      switch (msg->err()) {
        case RdKafka::ERR_NO_ERROR: {
          const auto it = pending.find(p);
          if (it == pending.end()) break;
          if (msg->offset() < it->second) {
            on_message(view_of(*msg, topic));
            ++result.messages;
          }
          // Compaction leaves gaps, so "at or past the last offset" ends it.
          if (msg->offset() >= it->second - 1) finish(p);
          break;
        }
        case RdKafka::ERR__PARTITION_EOF:
          finish(p);  // the tail was compacted away or held no data records
          break;
        case RdKafka::ERR__TIMED_OUT:
          break;
        case RdKafka::ERR__UNKNOWN_TOPIC:
        case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
        case RdKafka::ERR__UNKNOWN_PARTITION:
        case RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED:
          throw KafkaError("cannot read topic " + topic + ": " + msg->errstr(), msg->err());
        default:
          log_event(LogLevel::warn, "read_to_end_error", consumer->name(), msg->errstr(),
                    {{"topic", topic}, {"partition", std::to_string(p)}});
          break;
      }
    }
  } catch (...) {
    for (const auto& [p, end] : pending) consumer->stop(handle.get(), p);
    throw;
  }
  return result;
}

}  // namespace e911::kafka
