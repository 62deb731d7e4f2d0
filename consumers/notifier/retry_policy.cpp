#include "consumers/notifier/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace e911::notifier {

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failed_attempts, double random01) {
  const double exponent = std::max(0, failed_attempts - 1);
  double delay = static_cast<double>(policy.initial_delay.count()) * std::pow(policy.multiplier, exponent);
  delay = std::min(delay, static_cast<double>(policy.max_delay.count()));
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  delay *= 1.0 - jitter + 2.0 * jitter * std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(std::max<std::int64_t>(1, std::llround(delay)));
}

std::optional<EpochMillis> next_attempt_at(const RetryPolicy& policy, EpochMillis first_attempt_at, EpochMillis now,
                                           int failed_attempts, double random01) {
  const EpochMillis at = now + backoff_delay(policy, failed_attempts, random01).count();
  if (at > first_attempt_at + policy.deadline.count()) return std::nullopt;
  return at;
}

}  // namespace e911::notifier
