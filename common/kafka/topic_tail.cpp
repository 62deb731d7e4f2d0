#include "common/kafka/topic_tail.h"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>

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

TopicTail::TopicTail(const Properties& user_props, std::string topic, std::vector<std::int32_t> partitions,
                     std::chrono::milliseconds timeout)
    : topic_(std::move(topic)) {
  const auto deadline = Clock::now() + timeout;
  Properties props = for_client(user_props, ClientKind::consumer);
  // The simple (legacy) consumer: explicit partitions, no group, nothing
  // committed, so it never disturbs the component's consumer group.
  props.erase("group.id");
  props["enable.partition.eof"] = "true";
  props["enable.auto.commit"] = "false";
  props["auto.offset.reset"] = "earliest";  // retention moved the start: begin at the new start
  auto conf = make_conf(props);
  std::string errstr;
  if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events_), errstr) != RdKafka::Conf::CONF_OK) {
    throw KafkaError("cannot configure a reader of " + topic_ + ": " + errstr);
  }
  consumer_.reset(RdKafka::Consumer::create(conf.get(), errstr));
  if (!consumer_) throw KafkaError("cannot create a Kafka consumer: " + errstr);
  events_.set_client_name(consumer_->name());
  handle_.reset(RdKafka::Topic::create(consumer_.get(), topic_, nullptr, errstr));
  if (!handle_) throw KafkaError("cannot read topic " + topic_ + ": " + errstr);

  RdKafka::Metadata* raw_md = nullptr;
  if (const auto err = consumer_->metadata(false, handle_.get(), &raw_md, remaining_ms(deadline));
      err != RdKafka::ERR_NO_ERROR) {
    throw KafkaError("cannot read topic " + topic_ + ": no metadata: " + RdKafka::err2str(err), err);
  }
  std::unique_ptr<RdKafka::Metadata> md(raw_md);
  std::vector<std::int32_t> existing;
  for (const auto* t : *md->topics()) {
    if (t->topic() != topic_) continue;
    if (t->err() != RdKafka::ERR_NO_ERROR) {
      throw KafkaError("cannot read topic " + topic_ + ": " + RdKafka::err2str(t->err()), t->err());
    }
    for (const auto* p : *t->partitions()) existing.push_back(p->id());
  }
  if (existing.empty()) throw KafkaError("cannot read topic " + topic_ + ": it has no partitions");
  for (const auto p : partitions) {
    if (std::find(existing.begin(), existing.end(), p) == existing.end()) {
      throw KafkaError("cannot read topic " + topic_ + ": no partition " + std::to_string(p));
    }
  }
  partitions_ = partitions.empty() ? existing : std::move(partitions);
  std::sort(partitions_.begin(), partitions_.end());

  queue_.reset(RdKafka::Queue::create(consumer_.get()));
  for (const auto p : partitions_) {
    if (const auto err = consumer_->start(handle_.get(), p, RdKafka::Topic::OFFSET_BEGINNING, queue_.get());
        err != RdKafka::ERR_NO_ERROR) {
      throw KafkaError("cannot read topic " + topic_ + " partition " + std::to_string(p) + ": " +
                           RdKafka::err2str(err),
                       err);
    }
  }
}

TopicTail::~TopicTail() {
  if (!consumer_ || !handle_) return;
  for (const auto p : partitions_) consumer_->stop(handle_.get(), p);
}

bool TopicTail::consume_one(const MessageHandler& on_message, int wait_ms,
                            std::map<std::int32_t, std::int64_t>* ends, bool stop_at_end, std::uint64_t& handed) {
  consumer_->poll(0);  // serve log and error events
  std::unique_ptr<RdKafka::Message> msg(consumer_->consume(queue_.get(), wait_ms));
  const auto p = msg->partition();
  switch (msg->err()) {
    case RdKafka::ERR_NO_ERROR: {
      next_offset_[p] = msg->offset() + 1;
      if (!ends) {
        on_message(view_of(*msg, topic_));
        ++handed;
        return true;
      }
      const auto it = ends->find(p);
      const bool past_end = it == ends->end() || msg->offset() >= it->second;
      if (!(stop_at_end && past_end)) {
        on_message(view_of(*msg, topic_));
        ++handed;
      }
      // Compaction leaves gaps, so "at or past the last offset" ends it.
      if (it != ends->end() && msg->offset() >= it->second - 1) ends->erase(it);
      return true;
    }
    case RdKafka::ERR__PARTITION_EOF: {
      // The end as the fetcher saw it: the tail was compacted away or held
      // no data records. An event from before the end asked for (taken
      // late) ends nothing.
      if (msg->offset() > 0) next_offset_[p] = std::max(next_offset_[p], msg->offset());
      if (!ends) return true;
      const auto it = ends->find(p);
      if (it != ends->end() && msg->offset() >= it->second) ends->erase(it);
      return true;
    }
    case RdKafka::ERR__TIMED_OUT:
      return false;
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR__UNKNOWN_PARTITION:
    case RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED:
      throw KafkaError("cannot read topic " + topic_ + ": " + msg->errstr(), msg->err());
    default:
      log_event(LogLevel::warn, "topic_read_error", consumer_->name(), msg->errstr(),
                {{"topic", topic_}, {"partition", std::to_string(p)}});
      return true;
  }
}

std::uint64_t TopicTail::catch_up(const MessageHandler& on_message, std::chrono::milliseconds timeout,
                                  bool stop_at_end) {
  const auto deadline = Clock::now() + timeout;
  // The end of each partition, now; empty partitions are done already.
  std::map<std::int32_t, std::int64_t> ends;
  for (const auto p : partitions_) {
    std::int64_t low = 0, high = 0;
    if (const auto err = consumer_->query_watermark_offsets(topic_, p, &low, &high, remaining_ms(deadline));
        err != RdKafka::ERR_NO_ERROR) {
      throw KafkaError("cannot read topic " + topic_ + " partition " + std::to_string(p) +
                           ": no watermarks: " + RdKafka::err2str(err),
                       err);
    }
    const auto it = next_offset_.find(p);
    const std::int64_t read_so_far = it == next_offset_.end() ? low : std::max(low, it->second);
    if (high > read_so_far) ends[p] = high;
  }
  return read_to(ends, on_message, deadline, timeout, stop_at_end);
}

std::uint64_t TopicTail::catch_up_to(std::int32_t partition, std::int64_t offset, const MessageHandler& on_message,
                                     std::chrono::milliseconds timeout) {
  std::map<std::int32_t, std::int64_t> ends;
  if (const auto it = next_offset_.find(partition); it == next_offset_.end() || it->second <= offset) {
    ends[partition] = offset + 1;
  }
  return read_to(ends, on_message, Clock::now() + timeout, timeout, false);
}

std::uint64_t TopicTail::read_to(std::map<std::int32_t, std::int64_t>& ends, const MessageHandler& on_message,
                                 Clock::time_point deadline, std::chrono::milliseconds timeout, bool stop_at_end) {
  std::uint64_t handed = 0;
  while (!ends.empty()) {
    const int wait = remaining_ms(deadline);
    if (wait == 0) {
      std::string behind;
      for (const auto& [p, end] : ends) behind += (behind.empty() ? "" : ", ") + std::to_string(p) + " (to " + std::to_string(end) + ")";
      throw KafkaError("reading topic " + topic_ + " timed out after " + std::to_string(timeout.count()) +
                       " ms; partition(s) not finished: " + behind);
    }
    consume_one(on_message, std::min(wait, 100), &ends, stop_at_end, handed);
  }
  return handed;
}

std::uint64_t TopicTail::poll(const MessageHandler& on_message, std::chrono::milliseconds wait) {
  std::uint64_t handed = 0;
  int wait_ms = static_cast<int>(wait.count());
  while (consume_one(on_message, wait_ms, nullptr, false, handed)) wait_ms = 0;
  return handed;
}

}  // namespace e911::kafka
