#pragma once
// This instance's lease on a shared notifier store, and the takeover of
// what instances without one left: a thread renews the lease every third
// of its time to live, then claims the orphaned rows (pending alerts,
// calls awaiting acknowledgement, outbox records) and hands them to
// `on_claimed` to be scheduled like its own. Only with a shared store
// (NotifierStore::shared()).
//
// Each renewal opens the fence (lease_fence.h) for one TTL; a renewal
// that finds the lease had run out first calls `on_lapsed` (the pending
// alerts become suspect) before the fence opens again.
//
// A renewal or claim that fails is logged and tried again next round: the
// store's other users (admission, delivery) stop the service when the
// database is gone for good.
//
// Threads: start() and stop() from the service's thread; `on_claimed` runs
// on this one's.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/log.h"
#include "consumers/notifier/lease_fence.h"
#include "consumers/notifier/notifier_store.h"

namespace e911::notifier {

// A fresh owner id: the host name and 64 random bits.
std::string random_owner_id();

class StoreLease {
 public:
  using ClaimHandler = std::function<void(const ClaimedWork&)>;
  using LapseHandler = std::function<void()>;

  // Enables `fence`, which must outlive this.
  StoreLease(NotifierStore& store, std::chrono::milliseconds ttl, LeaseFence& fence, LapseHandler on_lapsed,
             ClaimHandler on_claimed);
  ~StoreLease();  // stop()
  StoreLease(const StoreLease&) = delete;
  StoreLease& operator=(const StoreLease&) = delete;

  // Takes the lease (throws when the store cannot be written: nothing is
  // admitted under an owner nobody knows is alive), then starts the thread.
  void start();
  // Stops renewing (and claiming); the lease lives on until it expires.
  void stop();
  // Drops the lease, so survivors claim at once what is left (after a
  // clean stop, by an instance nobody restarts under the same owner).
  void release();

 private:
  void loop();
  void round();
  void renew();

  NotifierStore& store_;
  std::chrono::milliseconds ttl_;
  LeaseFence& fence_;
  LapseHandler on_lapsed_;
  ClaimHandler on_claimed_;
  Logger log_{"notifier"};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace e911::notifier
