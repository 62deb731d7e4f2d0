#pragma once
// Publishes the notification records the store's outbox holds to
// e911.notifications, in order, and removes each once Kafka acknowledged
// it (acks=all). A record Kafka refused is read again and re-sent, so
// records are at least once. Runs on its own thread from start() until
// stop(); wake() after writing records makes it send them at once (it
// also looks every 100 ms).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/kafka/producer.h"
#include "common/log.h"
#include "consumers/notifier/notifier_store.h"

namespace e911::notifier {

// Kept by the owner, so they outlive the publisher (stats after a stop).
struct PublisherCounters {
  std::atomic<std::uint64_t> published{0};   // records Kafka acknowledged
  std::atomic<std::size_t> unpublished{0};   // records in the outbox at the last look
};

class RecordPublisher {
 public:
  using FailureHandler = std::function<void(const std::string&)>;

  // `on_failure` is called (once) if the store cannot be read or written.
  RecordPublisher(NotifierStore& store, kafka::Producer& producer, std::string topic, PublisherCounters& counters,
                  FailureHandler on_failure);
  ~RecordPublisher();  // stop()
  RecordPublisher(const RecordPublisher&) = delete;
  RecordPublisher& operator=(const RecordPublisher&) = delete;

  void start();
  void wake();
  // Sends what is in the outbox now, waits for Kafka (up to `flush`), and
  // stops. What is still unacknowledged stays in the outbox for next time.
  void stop(std::chrono::milliseconds flush = std::chrono::seconds(10));

 private:
  void loop();
  void remove_acknowledged();
  void delivered(std::int64_t seq, const kafka::DeliveryReport& report);

  // What a delivery callback reaches: a record's report can come after
  // this publisher is gone (its flush timed out with the broker away, and
  // the producer purges it later), and then finds nobody.
  struct Liveness {
    std::mutex mu;
    RecordPublisher* self = nullptr;
  };
  std::shared_ptr<Liveness> live_ = std::make_shared<Liveness>();

  NotifierStore& store_;
  kafka::Producer& producer_;
  std::string topic_;
  PublisherCounters& counters_;
  FailureHandler on_failure_;
  Logger log_{"notifier"};

  std::mutex mu_;
  std::condition_variable cv_;
  bool waiting_ = false;                 // records written since the last look
  bool stopping_ = false;
  std::vector<std::int64_t> acknowledged_;  // seqs Kafka acknowledged, to remove
  std::int64_t resend_after_ = -1;          // a record failed: read again after this seq

  std::thread thread_;
};

}  // namespace e911::notifier
