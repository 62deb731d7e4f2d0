#include "common/split_work.h"

#include <pthread.h>

#include <algorithm>

namespace e911 {

namespace {
// Indices taken at a time: small enough to balance two threads over a
// batch of a few hundred, large enough that the lock is not the work.
constexpr std::size_t kChunk = 8;
}  // namespace

SplitWork::SplitWork(const char* thread_name) : helper_([this] { helper_loop(); }) {
  pthread_setname_np(helper_.native_handle(), thread_name);  // best effort (15 characters)
}

SplitWork::~SplitWork() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  helper_.join();
}

void SplitWork::run(std::size_t n, const std::function<void(std::size_t)>& work) {
  if (n == 0) return;
  {
    std::lock_guard lock(mu_);
    work_ = &work;
    n_ = n;
    next_ = 0;
    error_ = nullptr;
    job_open_ = true;
    ++generation_;
  }
  wake_.notify_one();
  take_chunks();
  std::exception_ptr error;
  {
    std::unique_lock lock(mu_);
    // A helper that has not joined by now finds the job closed and skips
    // it; one that joined finishes its chunk.
    job_open_ = false;
    done_.wait(lock, [this] { return !helper_active_; });
    work_ = nullptr;
    error = std::exchange(error_, nullptr);
  }
  if (error) std::rethrow_exception(error);
}

void SplitWork::take_chunks() {
  for (;;) {
    const std::function<void(std::size_t)>* work = nullptr;
    std::size_t begin = 0;
    std::size_t end = 0;
    {
      std::lock_guard lock(mu_);
      if (next_ >= n_ || error_) return;
      work = work_;
      begin = next_;
      end = std::min(n_, begin + kChunk);
      next_ = end;
    }
    try {
      for (std::size_t i = begin; i < end; ++i) (*work)(i);
    } catch (...) {
      std::lock_guard lock(mu_);
      if (!error_) error_ = std::current_exception();
      return;
    }
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
    lock.unlock();
    take_chunks();
    lock.lock();
    helper_active_ = false;
    done_.notify_one();
  }
}

}  // namespace e911
