#include "common/kafka/producer.h"

#include "common/kafka/client_create.h"
#include "common/kafka/error.h"

namespace e911::kafka {

class Producer::DeliveryReporter : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& m) override {
    DeliveryReport report;
    report.topic = m.topic_name();
    report.partition = m.partition();
    report.error_code = static_cast<int>(m.err());
    if (m.err() == RdKafka::ERR_NO_ERROR) {
      report.offset = m.offset();
      delivered.fetch_add(1, std::memory_order_relaxed);
    } else {
      report.error = m.errstr();
      failed.fetch_add(1, std::memory_order_relaxed);
      if (on_failure) on_failure();
      log_event(LogLevel::error, "delivery_failed", client, report.error,
                {{"topic", report.topic}, {"error", RdKafka::err2str(m.err())}});
    }
    std::unique_ptr<DeliveryCallback> callback(static_cast<DeliveryCallback*>(m.msg_opaque()));
    if (callback && *callback) {
      // An exception must not unwind through librdkafka's C frames.
      try {
        (*callback)(report);
      } catch (const std::exception& e) {
        log_event(LogLevel::error, "delivery_callback_failed", client, e.what(), {{"topic", report.topic}});
      }
    }
  }

  std::string client;
  std::function<void()> on_failure;
  std::atomic<std::uint64_t> enqueued{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> failed{0};
};

Producer::Producer(const Properties& user_props, ProducerOptions options)
    : reporter_(std::make_unique<DeliveryReporter>()), options_(std::move(options)) {
  Properties props = for_client(user_props, ClientKind::producer);
  // Every message here may be an emergency call: at most 1 ms of batching
  // (librdkafka 2.0.2 with Nagle off gives the lowest hop latency).
  set_default(props, "linger.ms", "1");
  set_default(props, "socket.nagle.disable", "true");
  if (!options_.client_id.empty()) set_default(props, "client.id", options_.client_id);
  set_required(props, "enable.idempotence", "true", "the idempotent producer");
  set_required(props, "acks", "all", "the idempotent producer");
  if (props.count("request.required.acks")) {
    set_required(props, "request.required.acks", "all", "the idempotent producer");
  }

  route_statistics(props, events_, options_.on_statistics);

  producer_ = create_client<RdKafka::Producer>(
      props, events_, "dr_cb", static_cast<RdKafka::DeliveryReportCb*>(reporter_.get()), "producer");
  name_ = producer_->name();
  reporter_->client = name_;
  reporter_->on_failure = options_.on_delivery_failure;
  poller_ = std::thread([this] { poll_loop(); });
  warm_up();
}

void Producer::warm_up() {
  const auto deadline = std::chrono::steady_clock::now() + options_.warm_up_timeout;
  for (const auto& name : options_.topics) {
    std::string errstr;
    std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(producer_.get(), name, nullptr, errstr));
    RdKafka::Metadata* md = nullptr;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto err = topic ? producer_->metadata(false, topic.get(), &md, static_cast<int>(std::max<long long>(left.count(), 1)))
                           : RdKafka::ERR__INVALID_ARG;
    delete md;
    if (err != RdKafka::ERR_NO_ERROR) {
      // Not fatal: the cluster may come up later; librdkafka keeps trying.
      log_event(LogLevel::warn, "warm_up_failed", name_, topic ? RdKafka::err2str(err) : errstr, {{"topic", name}});
    }
  }
}

bool Producer::drain(std::chrono::milliseconds timeout) {
  if (flush(timeout)) return true;
  log_event(LogLevel::error, "close_timeout", name_,
            "messages not delivered before close; their delivery callbacks report failure",
            {{"in_flight", std::to_string(producer_->outq_len())}});
  // Purged messages get failed delivery reports, so every callback runs
  // (and the work they stand for is not marked durable).
  producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
  producer_->flush(1000);
  return false;
}

Producer::~Producer() {
  drain(options_.close_timeout);
  stopping_.store(true);
  poller_.join();
  producer_->poll(0);
}

void Producer::poll_loop() {
  while (!stopping_.load(std::memory_order_relaxed)) producer_->poll(100);
}

namespace {
// A default-constructed view has no data pointer, which librdkafka would
// take as a null value (a delete) or a null key; an empty one is neither.
const char kEmpty[1] = {0};
}  // namespace

void Producer::produce(std::string_view topic, std::optional<std::string_view> key, std::string_view value,
                       const Headers& headers, DeliveryCallback on_delivery) {
  const void* key_ptr = key ? (key->data() ? key->data() : kEmpty) : nullptr;
  enqueue(topic, key_ptr, key ? key->size() : 0, value.data() ? value.data() : kEmpty, value.size(), headers,
          std::move(on_delivery));
}

void Producer::produce_tombstone(std::string_view topic, std::string_view key, DeliveryCallback on_delivery) {
  enqueue(topic, key.data() ? key.data() : kEmpty, key.size(), nullptr, 0, {}, std::move(on_delivery));
}

void Producer::enqueue(std::string_view topic, const void* key, std::size_t key_len, const char* value,
                       std::size_t value_len, const Headers& headers, DeliveryCallback on_delivery) {
  if (const auto fatal = events_.fatal_error()) {
    throw KafkaError("producer " + name_ + " is unusable after a fatal error: " + *fatal, RdKafka::ERR__FATAL, true);
  }
  auto callback = on_delivery ? std::make_unique<DeliveryCallback>(std::move(on_delivery)) : nullptr;
  const std::string topic_name(topic);
  const auto deadline = std::chrono::steady_clock::now() + options_.enqueue_timeout;
  for (;;) {
    RdKafka::Headers* hs = nullptr;
    if (!headers.empty()) {
      hs = RdKafka::Headers::create();
      for (const auto& h : headers) hs->add(h.name, h.value.data(), h.value.size());
    }
    // RK_MSG_COPY: librdkafka copies the payload, so the caller's buffers
    // need not outlive the call.
    const RdKafka::ErrorCode err =
        producer_->produce(topic_name, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                           const_cast<char*>(value), value_len, key, key_len, 0, hs, callback.get());
    if (err == RdKafka::ERR_NO_ERROR) {
      callback.release();  // owned by librdkafka until the delivery report
      reporter_->enqueued.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    delete hs;  // ownership passes to librdkafka only on success
    if (err == RdKafka::ERR__QUEUE_FULL && std::chrono::steady_clock::now() < deadline) {
      producer_->poll(10);  // serve delivery reports to make room
      continue;
    }
    const bool fatal = err == RdKafka::ERR__FATAL;
    throw KafkaError("cannot produce to " + topic_name + ": " + RdKafka::err2str(err), err, fatal);
  }
}

bool Producer::flush(std::chrono::milliseconds timeout) {
  return producer_->flush(static_cast<int>(timeout.count())) == RdKafka::ERR_NO_ERROR;
}

ProducerStats Producer::stats() const {
  return ProducerStats{reporter_->enqueued.load(), reporter_->delivered.load(), reporter_->failed.load()};
}

}  // namespace e911::kafka
