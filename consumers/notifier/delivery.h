#pragma once
// Delivery scheduling per channel: each channel's workers take its due
// alerts from the AlertBook, render and send them through the channel's
// transport, and record every attempt and outcome in the state (with its
// e911.notifications record) before the alert is scheduled again or
// forgotten. Channels have their own workers, so a dead SMTP relay never
// delays SMS or webhooks; within a channel the workers bound the
// concurrency.
//
// Transient failures are retried with backoff and jitter until the retry
// deadline (retry_policy.h); permanent ones are not. A failed alert is
// handed to `on_failed` (escalation). A state that cannot be written stops
// the service (`fail`): nothing after it would be durable.
//
// On a shared store an attempt starts only while the lease holds, and an
// alert that may have been claimed during a lapse is checked first
// (lease_fence.h).
//
// Threads: start() and stop() from the service's thread; the workers are
// its own.

#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/log.h"
#include "consumers/notifier/alert_book.h"
#include "consumers/notifier/lease_fence.h"
#include "consumers/notifier/notifier_metrics.h"
#include "consumers/notifier/notifier_service.h"
#include "consumers/notifier/notifier_store.h"

namespace e911::notifier {

struct DeliveryHooks {
  std::function<void()> wake_publisher;               // records were written
  std::function<void(const StoredAlert&)> on_failed;  // failed for good
  std::function<void(const std::string&)> fail;       // the state could not be written
};

class Delivery {
 public:
  // `options` (transports, retry policy, acknowledgement links, webhook
  // secret) and everything else must outlive it.
  Delivery(const NotifierServiceOptions& options, NotifierStore& store, AlertBook& book, LeaseFence& fence,
           NotifierMetrics& metrics, NotifierCounters& counters, DeliveryHooks hooks);
  ~Delivery();  // stop()

  void start();  // workers_per_channel workers for each channel
  void stop();   // closes the book and the fence, and joins the workers

  // One attempt of `alert` on `channel` (rendered as `out`), recorded.
  // Throws when the state cannot be written.
  // False when the alert is no longer this instance's (another claimed it;
  // nothing recorded).
  bool attempt(StoredAlert& alert, const CallContext& call, Channel channel, const OutgoingAlert& out);

 private:
  void worker_loop(Channel channel);
  // Waits for the fence; false when the alert is not to be sent from here
  // (claimed by another instance, or the service is stopping).
  bool cleared(const AlertBook::Due& due, std::uint64_t epoch_before_take);
  void hand_over(const AlertBook::Due& due);
  SendResult send(Channel channel, const OutgoingAlert& out, std::string& transport_name);
  std::string ack_url(const StoredAlert& alert) const;
  double random01();

  const NotifierServiceOptions& options_;
  NotifierStore& store_;
  AlertBook& book_;
  LeaseFence& fence_;
  NotifierMetrics& metrics_;
  NotifierCounters& counters_;
  DeliveryHooks hooks_;
  Logger log_{"notifier"};
  std::vector<std::thread> workers_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace e911::notifier
