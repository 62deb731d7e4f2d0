#include "common/net/rate_limiter.h"

#include <gtest/gtest.h>

namespace e911::net {
namespace {

using namespace std::chrono_literals;
using Clock = RequestRateLimiter::Clock;

TEST(RequestRateLimiter, ABurstThenTheSustainedRate) {
  RequestRateLimiter limiter({.per_second = 2, .burst = 3});
  const auto t0 = Clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.admit("a", t0).allowed) << i;
  const auto refused = limiter.admit("a", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);  // half a second to the next token, rounded up
  EXPECT_FALSE(limiter.admit("a", t0 + 400ms).allowed);
  EXPECT_TRUE(limiter.admit("a", t0 + 500ms).allowed);
  EXPECT_FALSE(limiter.admit("a", t0 + 600ms).allowed);
  // A long quiet spell refills up to the burst, not beyond.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.admit("a", t0 + 1h).allowed) << i;
  EXPECT_FALSE(limiter.admit("a", t0 + 1h).allowed);
}

TEST(RequestRateLimiter, ClientsAreCountedApart) {
  RequestRateLimiter limiter({.per_second = 1, .burst = 1});
  const auto t0 = Clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.admit("token:pbx", t0).allowed);
  EXPECT_FALSE(limiter.admit("token:pbx", t0).allowed);
  EXPECT_TRUE(limiter.admit("ip:192.0.2.1", t0).allowed);
  EXPECT_EQ(limiter.clients(), 2u);
}

TEST(RequestRateLimiter, SlowRatesSayHowLongToWait) {
  RequestRateLimiter limiter({.per_second = 0.1, .burst = 1});
  const auto t0 = Clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.admit("a", t0).allowed);
  EXPECT_EQ(limiter.admit("a", t0).retry_after_seconds, 10);
  EXPECT_EQ(limiter.admit("a", t0 + 7s).retry_after_seconds, 3);
}

TEST(RequestRateLimiter, ZeroIsNoLimit) {
  RequestRateLimiter limiter({.per_second = 0, .burst = 1});
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.admit("a", Clock::time_point{}).allowed);
  EXPECT_EQ(limiter.clients(), 0u);
}

TEST(RequestRateLimiter, ManyClientsForgetTheIdleAndShareABucketPastTheBound) {
  RequestRateLimiter limiter({.per_second = 1, .burst = 1, .max_clients = 2});
  const auto t0 = Clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.admit("a", t0).allowed);
  EXPECT_TRUE(limiter.admit("b", t0).allowed);
  // No idle client to forget: c and d share one bucket.
  EXPECT_TRUE(limiter.admit("c", t0).allowed);
  EXPECT_FALSE(limiter.admit("d", t0).allowed);
  EXPECT_EQ(limiter.clients(), 2u);
  // Later a and b are idle (full again): forgotten, and e gets its own.
  EXPECT_TRUE(limiter.admit("e", t0 + 10s).allowed);
  EXPECT_FALSE(limiter.admit("e", t0 + 10s).allowed);
  EXPECT_EQ(limiter.clients(), 1u);
}

}  // namespace
}  // namespace e911::net
