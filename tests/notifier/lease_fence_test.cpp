// The fence a shared store's lease puts before every attempt
// (consumers/notifier/lease_fence.h), and the suspect marks a lapse puts
// on the pending alerts (AlertBook::suspect_all).

#include "consumers/notifier/lease_fence.h"

#include <gtest/gtest.h>

#include <future>

#include "consumers/notifier/alert_book.h"
#include "tests/notifier/stored_rows.h"

namespace e911::notifier {
namespace {

using namespace std::chrono_literals;
using Clock = LeaseFence::Clock;

TEST(LeaseFenceTest, WithoutASharedStoreItIsAlwaysOpen) {
  LeaseFence fence;
  EXPECT_TRUE(fence.holds(Clock::now()));
  EXPECT_EQ(fence.wait_held(), 0u);
  EXPECT_FALSE(fence.lapsed_by(Clock::now() + 1h));
}

TEST(LeaseFenceTest, ASharedStoreIsClosedUntilTheFirstRenewal) {
  LeaseFence fence;
  fence.enable();
  EXPECT_FALSE(fence.holds(Clock::now()));  // what a waiter waits for
  auto waiter = std::async(std::launch::async, [&] { return fence.wait_held(); });
  fence.renewed(Clock::now(), 60s, false);
  EXPECT_TRUE(fence.holds(Clock::now()));
  EXPECT_EQ(waiter.get(), 0u);
}

TEST(LeaseFenceTest, ALeaseRunOutClosesItUntilTheNextRenewalWhichIsALapse) {
  LeaseFence fence;
  fence.enable();
  const auto t0 = Clock::now() - 10s;  // renewed 10 s ago with a 6 s TTL: run out
  fence.renewed(t0, 6s, false);
  EXPECT_FALSE(fence.lapsed_by(t0 + 5s));
  EXPECT_TRUE(fence.lapsed_by(t0 + 6s));
  EXPECT_FALSE(fence.holds(Clock::now()));
  auto waiter = std::async(std::launch::async, [&] { return fence.wait_held(); });
  fence.renewed(Clock::now(), 6s, true);
  EXPECT_EQ(waiter.get(), 1u);  // the epoch moved on
  EXPECT_EQ(fence.epoch(), 1u);
}

TEST(LeaseFenceTest, CloseWakesTheWaitersWithNothing) {
  LeaseFence fence;
  fence.enable();
  auto waiter = std::async(std::launch::async, [&] { return fence.wait_held(); });
  fence.close();
  EXPECT_EQ(waiter.get(), std::nullopt);
  fence.open();
  fence.renewed(Clock::now(), 60s, false);
  EXPECT_EQ(fence.wait_held(), 0u);
}

TEST(AlertBookSuspectTest, ALapseMarksEveryPendingAlertOnceAndNewOnesNot) {
  AlertBook book([](const std::string&) { return nullptr; });
  auto call = std::make_shared<CallContext>();
  call->row = test_rows::a_call("c-1");
  auto a = test_rows::an_alert("n-1", "c-1");
  auto b = test_rows::an_alert("n-2", "c-1");
  a.next_attempt_at = b.next_attempt_at = 0;  // due
  book.add({a, b}, call);
  auto taken = book.take(Channel::sms);  // in flight while the lease lapses
  ASSERT_TRUE(taken);
  EXPECT_FALSE(taken->suspect);
  book.suspect_all();
  auto c = test_rows::an_alert("n-3", "c-1");
  c.next_attempt_at = 0;
  book.add({c}, call);  // admitted after the lapse was found
  std::map<std::string, bool> suspect;
  for (int i = 0; i < 2; ++i) {
    auto due = book.take(Channel::sms);
    ASSERT_TRUE(due);
    suspect[due->alert.notification_id] = due->suspect;
  }
  EXPECT_TRUE(suspect.at(taken->alert.notification_id == "n-1" ? "n-2" : "n-1"));
  EXPECT_FALSE(suspect.at("n-3"));
  // The one in flight is re-queued by its attempt: still suspect once.
  auto retried = taken->alert;
  retried.next_attempt_at = 0;
  book.finish(retried, call, Channel::sms);
  auto again = book.take(Channel::sms);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->suspect);
  // Handing over forgets it, once.
  book.hand_over(again->alert.notification_id, call);
  book.hand_over(again->alert.notification_id, call);
  EXPECT_EQ(book.pending(), 2u);
}

}  // namespace
}  // namespace e911::notifier
