#include "consumers/notifier/retry_policy.h"

#include <gtest/gtest.h>

namespace e911::notifier {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, DelaysDoubleUpToTheCap) {
  RetryPolicy p;
  p.initial_delay = milliseconds(1000);
  p.max_delay = milliseconds(5000);
  p.jitter = 0;
  EXPECT_EQ(backoff_delay(p, 1, 0.5), milliseconds(1000));
  EXPECT_EQ(backoff_delay(p, 2, 0.5), milliseconds(2000));
  EXPECT_EQ(backoff_delay(p, 3, 0.5), milliseconds(4000));
  EXPECT_EQ(backoff_delay(p, 4, 0.5), milliseconds(5000));
  EXPECT_EQ(backoff_delay(p, 60, 0.5), milliseconds(5000));  // no overflow
}

TEST(RetryPolicy, JitterSpreadsRetriesAroundTheDelay) {
  RetryPolicy p;
  p.initial_delay = milliseconds(1000);
  p.jitter = 0.2;
  EXPECT_EQ(backoff_delay(p, 1, 0.0), milliseconds(800));
  EXPECT_EQ(backoff_delay(p, 1, 0.5), milliseconds(1000));
  EXPECT_EQ(backoff_delay(p, 1, 0.999999), milliseconds(1200));
}

TEST(RetryPolicy, NoAttemptStartsPastTheDeadline) {
  RetryPolicy p;
  p.initial_delay = milliseconds(1000);
  p.jitter = 0;
  p.deadline = milliseconds(10000);
  EXPECT_EQ(next_attempt_at(p, 0, 5000, 1, 0.5), std::optional<EpochMillis>(6000));
  EXPECT_EQ(next_attempt_at(p, 0, 9500, 1, 0.5), std::nullopt);
  EXPECT_EQ(next_attempt_at(p, 0, 9000, 1, 0.5), std::optional<EpochMillis>(10000));
}

}  // namespace
}  // namespace e911::notifier
