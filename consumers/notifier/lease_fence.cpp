#include "consumers/notifier/lease_fence.h"

namespace e911::notifier {

void LeaseFence::enable() {
  std::lock_guard lock(mu_);
  enabled_ = true;
}

bool LeaseFence::lapsed_by(Clock::time_point started) const {
  std::lock_guard lock(mu_);
  return enabled_ && renewed_once_ && started >= holds_until_;
}

void LeaseFence::renewed(Clock::time_point started, std::chrono::milliseconds ttl, bool lapsed) {
  {
    std::lock_guard lock(mu_);
    holds_until_ = started + ttl;
    renewed_once_ = true;
    if (lapsed) ++epoch_;
  }
  cv_.notify_all();
}

bool LeaseFence::holds(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  return holds_locked(now);
}

std::optional<std::uint64_t> LeaseFence::wait_held() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (closed_) return std::nullopt;
    if (holds_locked(Clock::now())) return epoch_;
    // Until the lease thread renews (it notifies), or stops.
    cv_.wait(lock);
  }
}

std::uint64_t LeaseFence::epoch() const {
  std::lock_guard lock(mu_);
  return epoch_;
}

void LeaseFence::open() {
  std::lock_guard lock(mu_);
  closed_ = false;
}

void LeaseFence::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

}  // namespace e911::notifier
