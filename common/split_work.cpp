#include "common/split_work.h"

#include <pthread.h>
#include <sched.h>

#include <utility>

namespace e911 {

SplitWork::SplitWork(const char* thread_name) : helper_([this] { helper_loop(); }) {
  pthread_setname_np(helper_.native_handle(), thread_name);  // best effort
  // A helper woken for a job must not preempt its owner, which woke it and
  // is about to do the same work from the other end: SCHED_BATCH threads do
  // not preempt on wakeup (they run on an idle core, or at the next tick).
  // Best effort: where it is refused, the helper stays SCHED_OTHER.
  const sched_param param{};
  (void)pthread_setschedparam(helper_.native_handle(), SCHED_BATCH, &param);
}

SplitWork::~SplitWork() {
  finish();
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  helper_.join();
}

void SplitWork::start(std::size_t n, std::function<void(std::size_t)> work) {
  finish();
  {
    std::lock_guard lock(mu_);
    if (n > capacity_) {
      state_ = std::make_unique<std::atomic<std::uint8_t>[]>(n);
      capacity_ = n;
    }
    for (std::size_t i = 0; i < n; ++i) state_[i].store(kOpen, std::memory_order_relaxed);
    work_ = std::move(work);
    n_ = n;
    closing_.store(false);
    job_open_ = true;
    ++generation_;
  }
  wake_.notify_one();
}

bool SplitWork::take(std::size_t i) {
  if (i >= n_) return false;
  auto& s = state_[i];
  auto seen = s.load(std::memory_order_acquire);
  if (seen == kOpen && s.compare_exchange_strong(seen, kOwner, std::memory_order_acq_rel)) return false;
  return seen == kDone;
}

void SplitWork::finish() {
  std::unique_lock lock(mu_);
  if (!job_open_) return;
  closing_.store(true);
  job_open_ = false;
  idle_.wait(lock, [this] { return !helper_active_; });
  work_ = nullptr;  // the states stay: take() after finish() says what was done
}

void SplitWork::run_job(std::size_t n) {
  for (std::size_t k = n; k-- > 0;) {
    if (closing_.load(std::memory_order_relaxed)) return;
    auto& s = state_[k];
    auto expected = static_cast<std::uint8_t>(kOpen);
    if (!s.compare_exchange_strong(expected, kHelper, std::memory_order_acq_rel)) return;  // met the owner
    try {
      work_(k);
    } catch (...) {
      continue;  // stays kHelper: the owner does it itself
    }
    s.store(kDone, std::memory_order_release);
  }
}

void SplitWork::helper_loop() {
  std::size_t seen = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || (job_open_ && generation_ != seen); });
    if (stop_) return;
    seen = generation_;
    helper_active_ = true;
    const auto n = n_;
    lock.unlock();
    run_job(n);
    lock.lock();
    helper_active_ = false;
    idle_.notify_one();
  }
}

}  // namespace e911
