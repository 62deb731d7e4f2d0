#include "common/kafka/consumer.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <set>

#include "common/kafka/error.h"
#include "common/kafka/message_view.h"
#include "common/kafka/offset_tracker.h"

namespace e911::kafka {

namespace detail {

// Shared by the consumer and its Acks, which may outlive it.
struct AckState {
  std::mutex mu;
  std::condition_variable cv;
  OffsetTracker tracker;
  // Bumped when a partition is revoked, so an Ack from before cannot mark
  // an offset of a later assignment of the same partition.
  std::map<OffsetTracker::Partition, std::uint64_t> epochs;
  std::set<OffsetTracker::Partition> dirty;  // have completions not yet stored
};

}  // namespace detail

namespace {

std::vector<TopicPartition> to_value(const std::vector<RdKafka::TopicPartition*>& parts) {
  std::vector<TopicPartition> out;
  out.reserve(parts.size());
  for (const auto* p : parts) out.push_back({p->topic(), p->partition()});
  return out;
}

struct PartitionList {
  std::vector<RdKafka::TopicPartition*> items;
  ~PartitionList() { RdKafka::TopicPartition::destroy(items); }
};

}  // namespace

void Ack::done() const {
  if (!state_) return;
  std::lock_guard lock(state_->mu);
  const OffsetTracker::Partition p{topic_, partition_};
  const auto it = state_->epochs.find(p);
  if (it == state_->epochs.end() || it->second != epoch_) return;  // revoked since
  state_->tracker.done(p, offset_);
  state_->dirty.insert(p);
  state_->cv.notify_all();
}

class Consumer::Rebalancer : public RdKafka::RebalanceCb {
 public:
  explicit Rebalancer(Consumer& owner) : owner_(owner) {}
  void rebalance_cb(RdKafka::KafkaConsumer*, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      owner_.on_assign(partitions);
    } else {
      owner_.on_revoke(partitions);
    }
  }

 private:
  Consumer& owner_;
};

Consumer::Consumer(const Properties& user_props, ConsumerOptions options)
    : rebalancer_(std::make_unique<Rebalancer>(*this)),
      acks_(std::make_shared<detail::AckState>()),
      options_(std::move(options)) {
  Properties props = for_client(user_props, ClientKind::consumer);
  if (!options_.group_id.empty()) props["group.id"] = options_.group_id;
  if (props["group.id"].empty()) throw KafkaError("a consumer needs a group id");
  if (options_.topics.empty()) throw KafkaError("a consumer needs at least one topic");
  if (!options_.client_id.empty()) set_default(props, "client.id", options_.client_id);
  set_default(props, "enable.auto.commit", "true");
  set_default(props, "auto.offset.reset", "earliest");
  set_required(props, "enable.auto.offset.store", "false", "at-least-once consumption");

  auto conf = make_conf(props);
  std::string errstr;
  if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events_), errstr) != RdKafka::Conf::CONF_OK ||
      conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(rebalancer_.get()), errstr) !=
          RdKafka::Conf::CONF_OK) {
    throw KafkaError("cannot configure the consumer: " + errstr);
  }
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), errstr));
  if (!consumer_) throw KafkaError("cannot create the Kafka consumer: " + errstr);
  name_ = consumer_->name();
  events_.set_client_name(name_);
  if (const auto err = consumer_->subscribe(options_.topics); err != RdKafka::ERR_NO_ERROR) {
    consumer_->close();
    throw KafkaError("cannot subscribe: " + RdKafka::err2str(err), err);
  }
}

Consumer::~Consumer() {
  try {
    close();
  } catch (const std::exception& e) {
    log_event(LogLevel::error, "close_failed", name_, e.what());
  }
}

bool Consumer::poll(const Handler& handler, std::chrono::milliseconds timeout) {
  if (closed_) throw KafkaError("consumer " + name_ + " is closed");
  std::unique_ptr<RdKafka::Message> msg(consumer_->consume(static_cast<int>(timeout.count())));
  if (hook_error_) std::rethrow_exception(std::exchange(hook_error_, nullptr));
  store_completed();
  switch (msg->err()) {
    case RdKafka::ERR_NO_ERROR: {
      const std::string topic = msg->topic_name();
      Ack ack;
      ack.state_ = acks_;
      ack.topic_ = topic;
      ack.partition_ = msg->partition();
      ack.offset_ = msg->offset();
      {
        std::lock_guard lock(acks_->mu);
        const OffsetTracker::Partition p{topic, msg->partition()};
        acks_->tracker.begin(p, msg->offset());
        ack.epoch_ = acks_->epochs[p];
      }
      received_.fetch_add(1, std::memory_order_relaxed);
      handler(view_of(*msg, topic), ack);
      store_completed();
      return true;
    }
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__PARTITION_EOF:
      return false;
    default:
      errors_.fetch_add(1, std::memory_order_relaxed);
      if (msg->err() == RdKafka::ERR__FATAL || events_.has_fatal_error()) {
        std::string why;
        consumer_->fatal_error(why);
        throw KafkaError("consumer " + name_ + " failed: " + why, msg->err(), true);
      }
      // Unknown topic (not created yet), authorization, transport: logged,
      // and librdkafka keeps trying.
      log_event(LogLevel::warn, "consume_error", name_, msg->errstr(),
                {{"error", RdKafka::err2str(msg->err())}, {"topic", msg->topic_name()}});
      return false;
  }
}

void Consumer::run(const Handler& handler, const std::atomic<bool>& stop) {
  try {
    while (!stop.load(std::memory_order_relaxed)) poll(handler, options_.poll_timeout);
  } catch (...) {
    try {
      close();
    } catch (const std::exception& e) {
      log_event(LogLevel::error, "close_failed", name_, e.what());
    }
    throw;
  }
  close();
}

void Consumer::close() {
  if (closed_) return;
  closing_ = true;
  wait_for_in_flight();
  store_completed();
  commit_sync("close");
  // Leaves the group; the revoke it triggers runs on_revoke (no second wait).
  const auto err = consumer_->close();
  closed_ = true;
  if (err != RdKafka::ERR_NO_ERROR) {
    log_event(LogLevel::warn, "close", name_, RdKafka::err2str(err));
  }
  if (hook_error_) std::rethrow_exception(std::exchange(hook_error_, nullptr));
}

void Consumer::on_assign(std::vector<RdKafka::TopicPartition*>& partitions) {
  {
    std::lock_guard lock(acks_->mu);
    for (const auto* p : partitions) acks_->epochs.try_emplace({p->topic(), p->partition()}, 0);
  }
  // librdkafka calls us from C: an exception must not unwind through it,
  // and the partitions must be assigned whatever happens.
  if (options_.start_offset && !hook_error_) {
    try {
      for (auto* p : partitions) {
        if (const auto offset = options_.start_offset(p->topic(), p->partition())) p->set_offset(*offset);
      }
    } catch (...) {
      hook_error_ = std::current_exception();
    }
  }
  if (consumer_->rebalance_protocol() == "COOPERATIVE") {
    std::unique_ptr<RdKafka::Error> error(consumer_->incremental_assign(partitions));
    if (error) log_event(LogLevel::error, "assign_failed", name_, error->str());
  } else if (const auto err = consumer_->assign(partitions); err != RdKafka::ERR_NO_ERROR) {
    log_event(LogLevel::error, "assign_failed", name_, RdKafka::err2str(err));
  }
  const auto assigned = to_value(partitions);
  {
    std::lock_guard lock(assignment_mu_);
    for (const auto& tp : assigned) assignment_.push_back(tp);
  }
  log_event(LogLevel::info, "partitions_assigned", name_, std::to_string(assigned.size()) + " partition(s)");
  // librdkafka calls us from C: an exception must not unwind through it.
  if (options_.on_assigned && !hook_error_) {
    try {
      options_.on_assigned(assigned);
    } catch (...) {
      hook_error_ = std::current_exception();
    }
  }
}

void Consumer::on_revoke(std::vector<RdKafka::TopicPartition*>& partitions) {
  const bool lost = consumer_->assignment_lost();
  if (!lost) {
    if (!closing_) wait_for_in_flight();
    store_completed();
    commit_sync("revoke");
  }
  const auto revoked = to_value(partitions);
  {
    std::lock_guard lock(acks_->mu);
    for (const auto& tp : revoked) {
      const OffsetTracker::Partition p{tp.topic, tp.partition};
      acks_->tracker.forget(p);
      acks_->dirty.erase(p);
      ++acks_->epochs[p];
    }
  }
  {
    std::lock_guard lock(assignment_mu_);
    std::erase_if(assignment_, [&](const TopicPartition& tp) {
      return std::find(revoked.begin(), revoked.end(), tp) != revoked.end();
    });
  }
  log_event(LogLevel::info, lost ? "partitions_lost" : "partitions_revoked", name_,
            std::to_string(revoked.size()) + " partition(s)");
  if (options_.on_revoked && !hook_error_) {
    try {
      options_.on_revoked(revoked);
    } catch (...) {
      hook_error_ = std::current_exception();
    }
  }
  if (consumer_->rebalance_protocol() == "COOPERATIVE") {
    std::unique_ptr<RdKafka::Error> error(consumer_->incremental_unassign(partitions));
    if (error) log_event(LogLevel::error, "unassign_failed", name_, error->str());
  } else if (const auto err = consumer_->unassign(); err != RdKafka::ERR_NO_ERROR) {
    log_event(LogLevel::error, "unassign_failed", name_, RdKafka::err2str(err));
  }
}

void Consumer::wait_for_in_flight() {
  std::unique_lock lock(acks_->mu);
  const bool drained = acks_->cv.wait_for(lock, options_.drain_timeout, [&] { return acks_->tracker.in_flight() == 0; });
  if (!drained) {
    log_event(LogLevel::warn, "drain_timeout", name_,
              "work still in flight; those messages will be consumed again",
              {{"in_flight", std::to_string(acks_->tracker.in_flight())}});
  }
}

void Consumer::store_completed() {
  PartitionList offsets;
  {
    std::lock_guard lock(acks_->mu);
    if (acks_->dirty.empty()) return;
    for (const auto& p : acks_->dirty) {
      if (const auto next = acks_->tracker.take_committable(p)) {
        offsets.items.push_back(RdKafka::TopicPartition::create(p.first, p.second, *next));
      }
    }
    acks_->dirty.clear();
  }
  if (offsets.items.empty()) return;
  consumer_->offsets_store(offsets.items);
  for (const auto* tp : offsets.items) {
    if (tp->err() == RdKafka::ERR_NO_ERROR) {
      stored_.fetch_add(1, std::memory_order_relaxed);
    } else {
      // Typically the partition was just revoked: its new owner re-reads.
      log_event(LogLevel::debug, "offset_store_failed", name_, RdKafka::err2str(tp->err()),
                {{"topic", tp->topic()}, {"partition", std::to_string(tp->partition())}});
    }
  }
}

void Consumer::commit_sync(const char* why) {
  const auto err = consumer_->commitSync();
  if (err != RdKafka::ERR_NO_ERROR && err != RdKafka::ERR__NO_OFFSET) {
    log_event(LogLevel::warn, "commit_failed", name_, RdKafka::err2str(err), {{"during", why}});
  }
}

std::vector<TopicPartition> Consumer::assignment() const {
  std::lock_guard lock(assignment_mu_);
  return assignment_;
}

ConsumerStats Consumer::stats() const {
  return ConsumerStats{received_.load(), stored_.load(), errors_.load()};
}

}  // namespace e911::kafka
