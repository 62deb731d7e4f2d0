#pragma once
// When to try an alert again after a transient failure: exponential
// backoff with jitter, until a deadline counted from the first attempt.
// Pure: the random draw and the clock are passed in.

#include <chrono>
#include <optional>

#include "common/timestamp.h"

namespace e911::notifier {

struct RetryPolicy {
  std::chrono::milliseconds initial_delay{1000};
  double multiplier = 2.0;
  std::chrono::milliseconds max_delay{30000};
  // Each delay is scaled by a factor drawn from [1 - jitter, 1 + jitter]:
  // after an outage, retries of many alerts must not hit the server at once.
  double jitter = 0.2;
  // No attempt starts later than this after the first one.
  std::chrono::milliseconds deadline{600000};
};

// The delay before attempt `failed_attempts + 1`. `random01` is a uniform
// draw from [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failed_attempts, double random01);

// When to try again after `failed_attempts` failures, or nullopt when that
// would be past the deadline (the alert has then failed for good).
std::optional<EpochMillis> next_attempt_at(const RetryPolicy& policy, EpochMillis first_attempt_at, EpochMillis now,
                                           int failed_attempts, double random01);

}  // namespace e911::notifier
