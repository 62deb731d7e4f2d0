#pragma once
// Fencing for a shared notifier store: an instance sends an alert only
// while its lease is known to hold. A lease renewed at time t (steady
// clock, taken before the renewal was sent) holds until t + TTL at least;
// past that, survivors may claim this instance's alerts and send them, so
// its workers wait (held() below) until the lease thread renews again.
//
// A renewal that finds the lease had run out (a frozen process, a stalled
// VM, a database away longer than the TTL) is a lapse: whatever this
// instance holds in memory may have been claimed meanwhile. The lapse
// moves the epoch on; the lease thread marks the pending alerts suspect
// before it opens the fence again, and a worker checks the store before
// sending a suspect alert, or one it took before the epoch moved
// (delivery.cpp). Without that an instance waking from a long freeze sent
// its in-memory due alerts once more, after a survivor had sent them.
//
// Without a shared store the fence is always open.
//
// Threads: any (one mutex).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

namespace e911::notifier {

class LeaseFence {
 public:
  using Clock = std::chrono::steady_clock;

  // A shared store: closed until the first renewal.
  void enable();

  // Whether a renewal that started at `started` comes after the lease had
  // run out (always false before the first renewal: there was none).
  bool lapsed_by(Clock::time_point started) const;
  // A renewal that started at `started` succeeded: the lease holds until
  // then + `ttl`. `lapsed`: it had run out first (the epoch moves on).
  void renewed(Clock::time_point started, std::chrono::milliseconds ttl, bool lapsed);

  // Whether the lease holds at `now`: what wait_held() waits for (always
  // true without a shared store).
  bool holds(Clock::time_point now) const;
  // Waits until the lease holds; returns the epoch then. Nullopt once
  // closed (the service is stopping).
  std::optional<std::uint64_t> wait_held();
  std::uint64_t epoch() const;

  void open();   // wait_held() waits again (after a close)
  void close();  // wakes every wait_held(), which return nullopt

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool enabled_ = false;
  bool closed_ = false;
  bool renewed_once_ = false;
  Clock::time_point holds_until_{};
  std::uint64_t epoch_ = 0;

  bool holds_locked(Clock::time_point now) const { return !enabled_ || (renewed_once_ && now < holds_until_); }
};

}  // namespace e911::notifier
