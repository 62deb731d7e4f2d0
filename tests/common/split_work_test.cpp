// SplitWork: every index once, on two threads, errors brought back.

#include "common/split_work.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace e911 {
namespace {

TEST(SplitWork, RunsEveryIndexExactlyOnceWhateverTheSize) {
  SplitWork split;
  for (const std::size_t n : {0, 1, 7, 8, 9, 64, 1000}) {
    for (int round = 0; round < 50; ++round) {
      auto counts = std::make_unique<std::atomic<int>[]>(n + 1);
      split.run(n, [&](std::size_t i) { counts[i].fetch_add(1); });
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(counts[i].load(), 1) << "n=" << n << " i=" << i;
    }
  }
}

TEST(SplitWork, TheHelperTakesPartOfTheWork) {
  // Index 0 waits until another thread has run an index of another chunk:
  // that can only happen if the helper takes chunks while the caller is
  // busy with its first one.
  SplitWork split;
  std::atomic<bool> other_thread_ran{false};
  std::atomic<std::thread::id> first_thread{};
  split.run(64, [&](std::size_t i) {
    if (i == 0) {
      first_thread.store(std::this_thread::get_id());
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (!other_thread_ran.load() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
      return;
    }
    if (i >= 8 && first_thread.load() != std::thread::id{} && first_thread.load() != std::this_thread::get_id()) {
      other_thread_ran.store(true);
    }
  });
  EXPECT_TRUE(other_thread_ran.load());
}

TEST(SplitWork, AnErrorComesBackToTheCallerAndTheNextRunWorks) {
  SplitWork split;
  EXPECT_THROW(split.run(100,
                         [](std::size_t i) {
                           if (i == 42) throw std::runtime_error("index 42");
                         }),
               std::runtime_error);
  std::atomic<std::size_t> ran{0};
  split.run(100, [&](std::size_t) { ran.fetch_add(1); });
  EXPECT_EQ(ran.load(), 100u);
}

}  // namespace
}  // namespace e911
