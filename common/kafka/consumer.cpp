#include "common/kafka/consumer.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <condition_variable>

#include "common/kafka/client_create.h"
#include "common/kafka/error.h"
#include "common/kafka/message_view.h"
#include "common/kafka/offset_tracker.h"

namespace e911::kafka {

namespace detail {

// Shared by the consumer and its Acks, which may outlive it.
struct AckState {
  std::mutex mu;
  std::condition_variable cv;
  int waiters = 0;              // threads in wait_for_in_flight()
  std::size_t in_flight = 0;    // over every assigned partition
  std::vector<std::shared_ptr<PartitionSlot>> dirty;  // have completions not yet stored
};

// One assigned partition, from its assignment to its revocation. An Ack
// keeps its slot: an Ack from before a revocation finds it revoked and
// cannot mark an offset of a later assignment of the same partition.
struct PartitionSlot {
  std::shared_ptr<AckState> owner;
  std::string topic;
  std::int32_t partition = 0;
  // Under owner->mu:
  OffsetWindow offsets;
  bool revoked = false;
  bool dirty = false;
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

const std::string kNoTopic;

}  // namespace

void Ack::done() const {
  if (!slot_) return;
  auto& state = *slot_->owner;
  std::lock_guard lock(state.mu);
  if (slot_->revoked || !slot_->offsets.done(offset_)) return;
  --state.in_flight;
  if (!slot_->dirty) {
    slot_->dirty = true;
    state.dirty.push_back(slot_);
  }
  if (state.waiters > 0) state.cv.notify_all();
}

const std::string& Ack::topic() const { return slot_ ? slot_->topic : kNoTopic; }
std::int32_t Ack::partition() const { return slot_ ? slot_->partition : 0; }

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

Properties consumer_properties(const Properties& user_props, const ConsumerOptions& options) {
  Properties props = for_client(user_props, ClientKind::consumer);
  if (!options.group_id.empty()) props["group.id"] = options.group_id;
  if (props["group.id"].empty()) throw KafkaError("a consumer needs a group id");
  if (options.topics.empty()) throw KafkaError("a consumer needs at least one topic");
  if (!options.client_id.empty()) set_default(props, "client.id", options.client_id);
  if (!options.instance_id.empty()) set_default(props, "group.instance.id", options.instance_id);
  set_default(props, "enable.auto.commit", "true");
  set_default(props, "auto.offset.reset", "earliest");
  // An emergency call waits for a dead member's partitions as long as its
  // session lasts: seconds, not librdkafka's 45 s.
  set_default(props, "session.timeout.ms", "10000");
  set_default(props, "heartbeat.interval.ms", "1000");
  set_default(props, "queued.min.messages", kPrefetchMinMessages);
  set_required(props, "enable.auto.offset.store", "false", "at-least-once consumption");
  return props;
}

Consumer::Consumer(const Properties& user_props, ConsumerOptions options)
    : rebalancer_(std::make_unique<Rebalancer>(*this)),
      acks_(std::make_shared<detail::AckState>()),
      options_(std::move(options)) {
  Properties props = consumer_properties(user_props, options_);
  route_statistics(props, events_, options_.on_statistics);

  consumer_ = create_client<RdKafka::KafkaConsumer>(
      props, events_, "rebalance_cb", static_cast<RdKafka::RebalanceCb*>(rebalancer_.get()), "consumer");
  name_ = consumer_->name();
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

// True if `msg` is a message to hand out; false for "nothing (yet)".
// Throws on a fatal error.
bool Consumer::take_error(RdKafka::Message& msg) {
  switch (msg.err()) {
    case RdKafka::ERR_NO_ERROR:
      return true;
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__PARTITION_EOF:
      return false;
    default:
      errors_.fetch_add(1, std::memory_order_relaxed);
      if (msg.err() == RdKafka::ERR__FATAL || events_.has_fatal_error()) {
        std::string why;
        consumer_->fatal_error(why);
        throw KafkaError("consumer " + name_ + " failed: " + why, msg.err(), true);
      }
      // Unknown topic (not created yet), authorization, transport: logged,
      // and librdkafka keeps trying.
      log_event(LogLevel::warn, "consume_error", name_, msg.errstr(),
                {{"error", RdKafka::err2str(msg.err())}, {"topic", msg.topic_name()}});
      return false;
  }
}

const std::shared_ptr<detail::PartitionSlot>* Consumer::slot_of(const void* topic_handle, std::int32_t partition) {
  for (auto& a : slots_) {
    if (a.topic_handle == topic_handle && a.slot->partition == partition) return &a.slot;
  }
  // First message of this partition: learn its topic handle by name.
  const char* name = rd_kafka_topic_name(static_cast<const rd_kafka_topic_t*>(topic_handle));
  for (auto& a : slots_) {
    if (a.topic_handle == nullptr && a.slot->partition == partition && a.slot->topic == name) {
      a.topic_handle = topic_handle;
      return &a.slot;
    }
  }
  return nullptr;  // not (or no longer) assigned: its new owner reads it
}

std::size_t Consumer::poll_batch(const Handler& handler, std::size_t max, std::chrono::milliseconds timeout,
                                 const BatchHook& batch) {
  if (closed_) throw KafkaError("consumer " + name_ + " is closed");
  batch_.clear();
  max = std::max<std::size_t>(max, 1);
  // The first message may be waited for; the rest only taken if ready. A
  // rebalance may run inside any consume() call.
  for (auto wait = timeout; batch_.size() < max; wait = std::chrono::milliseconds(0)) {
    std::unique_ptr<RdKafka::Message> msg(consumer_->consume(static_cast<int>(wait.count())));
    if (hook_error_) std::rethrow_exception(std::exchange(hook_error_, nullptr));
    if (!take_error(*msg)) break;
    batch_.push_back(std::move(msg));
  }
  // Bookkeeping for the batch under one lock: messages of partitions
  // revoked meanwhile are not handed out.
  struct Item {
    RdKafka::Message* msg;
    std::shared_ptr<detail::PartitionSlot> slot;
  };
  std::vector<Item> items;
  items.reserve(batch_.size());
  {
    std::lock_guard lock(acks_->mu);
    for (auto& m : batch_) {
      const auto* c = static_cast<const rd_kafka_message_t*>(m->c_ptr());
      const auto* slot = c->rkt != nullptr ? slot_of(c->rkt, m->partition()) : nullptr;
      if (slot == nullptr) continue;
      (*slot)->offsets.begin(m->offset());
      ++acks_->in_flight;
      items.push_back({m.get(), *slot});
    }
  }
  received_.fetch_add(items.size(), std::memory_order_relaxed);
  // Rebalances run only inside consume(): the slots stay as they are while
  // the handler runs. A view's topic lives in its slot, held by `items`
  // until the message's turn, then by its Ack.
  views_.clear();
  for (const auto& item : items) views_.push_back(view_of(*item.msg, item.slot->topic));
  struct BatchScope {
    const BatchHook& hook;
    ~BatchScope() {
      if (hook) hook({});
    }
  };
  {
    const BatchScope scope{batch};
    if (batch && !views_.empty()) batch(std::span<const Message>(views_));
    for (std::size_t i = 0; i < items.size(); ++i) {
      Ack ack;
      ack.offset_ = items[i].msg->offset();
      ack.slot_ = std::move(items[i].slot);  // holds views_[i]'s topic while it is handled
      handler(views_[i], ack);
    }
  }
  views_.clear();
  store_completed();
  return items.size();
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
  // The final commit, sent now and waited for by the close below, within
  // its deadline: with the coordinator unreachable a synchronous commit
  // would wait for the session to expire.
  if (const auto err = consumer_->commitAsync(); err != RdKafka::ERR_NO_ERROR && err != RdKafka::ERR__NO_OFFSET) {
    log_event(LogLevel::warn, "commit_failed", name_, RdKafka::err2str(err), {{"during", "close"}});
  }
  // Leaves the group in librdkafka's background, serving the revoke it
  // triggers here (on_revoke, no second wait), for at most close_timeout:
  // a stop must not hang on a broker that is gone. Unfinished, the member
  // is dropped when its session expires and the committed offsets are
  // those of the last commit that went through.
  std::unique_ptr<RdKafka::Queue> queue(RdKafka::Queue::create(consumer_.get()));
  std::unique_ptr<RdKafka::Error> error(consumer_->close(queue.get()));
  if (error) log_event(LogLevel::warn, "close", name_, error->str());
  const auto deadline = std::chrono::steady_clock::now() + options_.close_timeout;
  while (!error && !consumer_->closed()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      log_event(LogLevel::warn, "close_timeout", name_,
                "the group could not be left in time (broker unreachable?); its session will expire",
                {{"close_timeout_ms", std::to_string(options_.close_timeout.count())}});
      break;
    }
    std::unique_ptr<RdKafka::Message> m(queue->consume(100));
  }
  closed_ = true;
  if (hook_error_) std::rethrow_exception(std::exchange(hook_error_, nullptr));
}

void Consumer::on_assign(std::vector<RdKafka::TopicPartition*>& partitions) {
  for (const auto* p : partitions) {
    auto slot = std::make_shared<detail::PartitionSlot>();
    slot->owner = acks_;
    slot->topic = p->topic();
    slot->partition = p->partition();
    slots_.push_back({nullptr, std::move(slot)});
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
  // Partitions that join while paused stay paused, as the others.
  if (paused_) set_paused(partitions, true);
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
    // While closing, the close's own commit (bounded) carries them.
    if (closing_) {
      consumer_->commitAsync();
    } else {
      commit_sync("revoke");
    }
  }
  const auto revoked = to_value(partitions);
  {
    std::lock_guard lock(acks_->mu);
    std::erase_if(slots_, [&](const Assigned& a) {
      const bool gone = std::find(revoked.begin(), revoked.end(),
                                  TopicPartition{a.slot->topic, a.slot->partition}) != revoked.end();
      if (gone) {
        a.slot->revoked = true;
        acks_->in_flight -= a.slot->offsets.in_flight();
      }
      return gone;
    });
    std::erase_if(acks_->dirty, [](const auto& s) { return s->revoked; });
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
  ++acks_->waiters;
  const bool drained = acks_->cv.wait_for(lock, options_.drain_timeout, [&] { return acks_->in_flight == 0; });
  --acks_->waiters;
  if (!drained) {
    log_event(LogLevel::warn, "drain_timeout", name_,
              "work still in flight; those messages will be consumed again",
              {{"in_flight", std::to_string(acks_->in_flight)}});
  }
}

void Consumer::store_completed() {
  PartitionList offsets;
  {
    std::lock_guard lock(acks_->mu);
    if (acks_->dirty.empty()) return;
    for (const auto& slot : acks_->dirty) {
      slot->dirty = false;
      if (const auto next = slot->offsets.take_committable()) {
        offsets.items.push_back(RdKafka::TopicPartition::create(slot->topic, slot->partition, *next));
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

void Consumer::pause() {
  if (paused_) return;
  paused_ = true;
  PartitionList parts;
  for (const auto& tp : assignment()) parts.items.push_back(RdKafka::TopicPartition::create(tp.topic, tp.partition));
  set_paused(parts.items, true);
  log_event(LogLevel::debug, "paused", name_, std::to_string(parts.items.size()) + " partition(s)");
}

void Consumer::resume() {
  if (!paused_) return;
  paused_ = false;
  PartitionList parts;
  for (const auto& tp : assignment()) parts.items.push_back(RdKafka::TopicPartition::create(tp.topic, tp.partition));
  set_paused(parts.items, false);
  log_event(LogLevel::debug, "resumed", name_, std::to_string(parts.items.size()) + " partition(s)");
}

void Consumer::set_paused(std::vector<RdKafka::TopicPartition*>& partitions, bool paused) {
  if (partitions.empty()) return;
  const auto err = paused ? consumer_->pause(partitions) : consumer_->resume(partitions);
  if (err != RdKafka::ERR_NO_ERROR) {
    log_event(LogLevel::error, paused ? "pause_failed" : "resume_failed", name_, RdKafka::err2str(err));
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
