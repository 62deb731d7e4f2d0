#pragma once
// A helper thread that works through a job from its end while the owner
// walks it from its start: a consumer loop has a batch of events decoded
// on a second core while it handles them, in order, on its own thread.
// The owner never waits for the helper's pace: an item the helper has not
// finished when the owner reaches it is done by the owner itself (the
// helper's result, if it comes, goes unused), so where they meet depends
// only on how fast each is. Only finish() waits, for the one item the
// helper may have in hand.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace e911 {

class SplitWork {
 public:
  // Starts the helper thread (named `thread_name`, at most 15 characters,
  // where the system allows).
  explicit SplitWork(const char* thread_name = "split-work");
  ~SplitWork();  // finishes the job in hand, stops and joins the helper
  SplitWork(const SplitWork&) = delete;
  SplitWork& operator=(const SplitWork&) = delete;

  // Offers items [0, n) to the helper, which calls work(i) from n - 1
  // down, each i at most once, until it meets the owner or finish() is
  // called. `work` must be safe to run while the owner works on other
  // items, and outlive the job. A job in hand is finished first.
  void start(std::size_t n, std::function<void(std::size_t)> work);

  // The owner's turn at item i (each once; after finish() too): true if the
  // helper's work(i) has returned (its results are visible to the owner
  // now); false if the owner must do item i itself: the helper had not
  // started it (and now will not) or is still at it (or it threw).
  bool take(std::size_t i);

  // Whether the helper's work(i) has returned, without taking item i.
  bool done(std::size_t i) const { return i < n_ && state_[i].load(std::memory_order_acquire) == kDone; }

  // Ends the job: the helper starts no further item, and once this returns
  // it touches nothing of the job. Idempotent.
  void finish();

 private:
  enum : std::uint8_t { kOpen = 0, kHelper = 1, kDone = 2, kOwner = 3 };
  void helper_loop();
  void run_job(std::size_t n);

  std::mutex mu_;
  std::condition_variable wake_;  // the helper: a job or stop
  std::condition_variable idle_;  // finish(): the helper left the job
  std::function<void(std::size_t)> work_;
  std::unique_ptr<std::atomic<std::uint8_t>[]> state_;  // per item, for the job in hand
  std::size_t capacity_ = 0;
  std::size_t n_ = 0;
  std::size_t generation_ = 0;      // one per start(): the helper joins each job once
  bool job_open_ = false;           // under mu_: started, not finished
  std::atomic<bool> closing_{false};  // finish() called: no further item
  bool helper_active_ = false;      // under mu_: the helper is in the job
  bool stop_ = false;
  std::thread helper_;
};

}  // namespace e911
