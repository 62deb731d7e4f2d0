#include "consumers/notifier/record_publisher.h"

#include <algorithm>

namespace e911::notifier {

namespace {
// Records taken from the outbox per round.
constexpr std::size_t kBatch = 500;
}  // namespace

RecordPublisher::RecordPublisher(NotifierStore& store, kafka::Producer& producer, std::string topic,
                                 PublisherCounters& counters, FailureHandler on_failure)
    : store_(store),
      producer_(producer),
      topic_(std::move(topic)),
      counters_(counters),
      on_failure_(std::move(on_failure)) {
  live_->self = this;
}

RecordPublisher::~RecordPublisher() {
  stop(std::chrono::milliseconds(0));
  std::lock_guard lock(live_->mu);
  live_->self = nullptr;
}

void RecordPublisher::delivered(std::int64_t seq, const kafka::DeliveryReport& report) {
  std::lock_guard lock(mu_);
  if (report.ok()) {
    acknowledged_.push_back(seq);
    ++counters_.published;
    return;
  }
  if (resend_after_ < 0 || seq - 1 < resend_after_) resend_after_ = seq - 1;
  log_.error("notification record not accepted by Kafka; will publish it again", {{"error", report.error}});
}

void RecordPublisher::start() {
  thread_ = std::thread([this] {
    try {
      loop();
    } catch (const std::exception& e) {
      log_.error("notification publisher stopped", {{"error", e.what()}});
      if (on_failure_) on_failure_(std::string("notification publisher: ") + e.what());
    }
  });
}

void RecordPublisher::wake() {
  {
    std::lock_guard lock(mu_);
    waiting_ = true;
  }
  cv_.notify_one();
}

void RecordPublisher::stop(std::chrono::milliseconds flush) {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  producer_.flush(flush);
  try {
    remove_acknowledged();
  } catch (const std::exception& e) {
    log_.error("notification publisher: outbox not cleaned up", {{"error", e.what()}});
  }
}

void RecordPublisher::remove_acknowledged() {
  std::vector<std::int64_t> done;
  {
    std::lock_guard lock(mu_);
    done.swap(acknowledged_);
  }
  store_.remove_published(done);
}

void RecordPublisher::loop() {
  std::int64_t after = 0;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (resend_after_ >= 0) {
        after = std::min(after, resend_after_);
        resend_after_ = -1;
      }
    }
    remove_acknowledged();
    const auto rows = store_.unpublished(kBatch, after);
    for (const auto& row : rows) {
      const auto seq = row.seq;
      producer_.produce(topic_, row.key, row.value, {}, [live = live_, seq](const kafka::DeliveryReport& report) {
        std::lock_guard lock(live->mu);
        if (live->self) live->self->delivered(seq, report);
      });
      after = seq;
    }
    counters_.unpublished.store(store_.outbox_size());
    if (!rows.empty()) continue;
    std::unique_lock lock(mu_);
    if (stopping_) return;
    cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return waiting_ || stopping_; });
    waiting_ = false;
  }
}

}  // namespace e911::notifier
