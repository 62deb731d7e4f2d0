// SplitWork: the helper works from the end, the owner from the start;
// each item's result is the owner's only once the helper finished it.

#include "common/split_work.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "tests/support/wait.h"

namespace e911 {
namespace {

using namespace std::chrono_literals;

TEST(SplitWork, EachItemIsTheHelpersOnlyOnceItsWorkReturned) {
  SplitWork split;
  for (const std::size_t n : {1, 2, 7, 64, 500}) {
    for (int round = 0; round < 40; ++round) {
      auto started = std::make_unique<std::atomic<int>[]>(n);
      auto finished = std::make_unique<std::atomic<int>[]>(n);
      split.start(n, [&](std::size_t i) {
        started[i].fetch_add(1);
        finished[i].fetch_add(1);
      });
      for (std::size_t i = 0; i < n; ++i) {
        if (split.take(i)) {
          ASSERT_EQ(finished[i].load(), 1) << "n=" << n << " i=" << i;
        }
      }
      split.finish();
      for (std::size_t i = 0; i < n; ++i) ASSERT_LE(started[i].load(), 1) << "n=" << n << " i=" << i;
    }
  }
}

TEST(SplitWork, TheHelperWorksFromTheEndUntilItMeetsTheOwner) {
  SplitWork split;
  auto done = std::make_unique<std::atomic<bool>[]>(64);
  split.start(64, [&](std::size_t i) { done[i].store(true); });
  // The owner takes nothing yet: the helper goes through every item.
  ASSERT_TRUE(test::wait_until([&] { return done[0].load(); }, 20s));
  split.finish();
  for (std::size_t i = 0; i < 64; ++i) EXPECT_TRUE(split.take(i)) << i;
}

TEST(SplitWork, AnItemTheOwnerReachedFirstIsNeverStartedByTheHelper) {
  SplitWork split;
  std::atomic<bool> release{false};
  auto started = std::make_unique<std::atomic<bool>[]>(10);
  split.start(10, [&](std::size_t i) {
    started[i].store(true);
    if (i == 9) test::wait_until([&] { return release.load(); }, 20s);
  });
  ASSERT_TRUE(test::wait_until([&] { return started[9].load(); }, 20s));
  for (std::size_t i = 0; i < 9; ++i) EXPECT_FALSE(split.take(i)) << i;  // the helper is held at 9
  EXPECT_FALSE(split.take(9));                                          // still at it: the owner's
  release.store(true);
  split.finish();
  for (std::size_t i = 0; i < 9; ++i) EXPECT_FALSE(started[i].load()) << i;
}

TEST(SplitWork, FinishWaitsForTheItemTheHelperHasInHand) {
  SplitWork split;
  std::atomic<bool> entered{false}, release{false}, left{false}, finishing{false};
  split.start(1, [&](std::size_t) {
    entered.store(true);
    test::wait_until([&] { return release.load(); }, 20s);
    left.store(true);
  });
  ASSERT_TRUE(test::wait_until([&] { return entered.load(); }, 20s));
  bool left_when_finished = false;
  std::thread owner([&] {
    finishing.store(true);
    split.finish();
    left_when_finished = left.load();
  });
  ASSERT_TRUE(test::wait_until([&] { return finishing.load(); }, 20s));
  release.store(true);
  owner.join();
  EXPECT_TRUE(left_when_finished);
}

TEST(SplitWork, AnItemWhoseWorkThrewIsTheOwnersAndTheNextJobWorks) {
  SplitWork split;
  auto done = std::make_unique<std::atomic<bool>[]>(3);
  split.start(3, [&](std::size_t i) {
    if (i == 1) throw std::runtime_error("item 1");
    done[i].store(true);
  });
  ASSERT_TRUE(test::wait_until([&] { return done[0].load(); }, 20s));
  split.finish();
  EXPECT_TRUE(split.take(0));
  EXPECT_FALSE(split.take(1));
  EXPECT_TRUE(split.take(2));
  std::atomic<bool> again{false};
  split.start(1, [&](std::size_t) { again.store(true); });
  ASSERT_TRUE(test::wait_until([&] { return again.load(); }, 20s));
  split.finish();
  EXPECT_TRUE(split.take(0));
}

}  // namespace
}  // namespace e911
