#include "common/net/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace e911::net {

RequestRateLimiter::RequestRateLimiter(RateLimit limit) : limit_(limit), shared_{0, Clock::time_point{}} {
  limit_.burst = std::max(limit_.burst, 1.0);
  shared_.tokens = limit_.burst;
}

void RequestRateLimiter::refill(Bucket& b, Clock::time_point now) const {
  if (now <= b.updated) return;
  const double elapsed = std::chrono::duration<double>(now - b.updated).count();
  b.tokens = std::min(limit_.burst, b.tokens + elapsed * limit_.per_second);
  b.updated = now;
}

RequestRateLimiter::Bucket& RequestRateLimiter::bucket_of(std::string_view client, Clock::time_point now) {
  const std::string key(client);
  if (const auto it = buckets_.find(key); it != buckets_.end()) return it->second;
  if (buckets_.size() >= limit_.max_clients) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      refill(it->second, now);
      it = it->second.tokens >= limit_.burst ? buckets_.erase(it) : std::next(it);
    }
    if (buckets_.size() >= limit_.max_clients) return shared_;
  }
  return buckets_.emplace(key, Bucket{limit_.burst, now}).first->second;
}

RequestRateLimiter::Decision RequestRateLimiter::admit(std::string_view client, Clock::time_point now) {
  if (limit_.per_second <= 0) return {};
  std::lock_guard lock(mu_);
  Bucket& b = bucket_of(client, now);
  refill(b, now);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return {};
  }
  const double wait = (1 - b.tokens) / limit_.per_second;
  return {false, std::max(1, static_cast<int>(std::ceil(wait)))};
}

std::size_t RequestRateLimiter::clients() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace e911::net
