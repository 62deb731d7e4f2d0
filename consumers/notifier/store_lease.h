#pragma once
// This instance's lease on a shared notifier store, and the takeover of
// what instances without one left: one thread renews the lease every
// third of its time to live; another, as often, claims the orphaned rows
// (pending alerts, calls awaiting acknowledgement, outbox records) and
// hands them to `on_claimed` to be scheduled like its own. Two threads: a
// claim waits for the store's connection (and its handler for the
// queues), and a renewal must never wait behind it (the fault campaign
// found renewals delayed past the lease, and alerts sent twice). Only
// with a shared store (NotifierStore::shared()).
//
// Each renewal opens the fence (lease_fence.h) for one TTL; a renewal
// that finds the lease had run out first calls `on_lapsed` (the pending
// alerts become suspect) before the fence opens again.
//
// A renewal or claim that fails is logged and tried again next round: the
// store's other users (admission, delivery) stop the service when the
// database is gone for good.
//
// A renewal slower than a third of the lease is logged with its duration.
//
// Threads: start() and stop() from the service's thread; `on_lapsed` runs
// on the renewing thread, `on_claimed` on the claiming one.

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
  // Runs `round` every third of the TTL until stop().
  void every_third_of_ttl(void (StoreLease::*round)());
  void renew_round();
  void claim_round();
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
  std::thread renewing_, claiming_;
};

}  // namespace e911::notifier
