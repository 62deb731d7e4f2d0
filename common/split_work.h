#pragma once
// Runs independent, per-index work over [0, n) on the calling thread and
// one helper thread kept for the purpose: a consumer loop decodes a batch
// of events on two cores instead of one, and then handles them in order on
// its own thread. Both threads take chunks of indices from one counter, so
// a helper that starts late (or is preempted) takes less, never delays the
// caller by more than one chunk.

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace e911 {

class SplitWork {
 public:
  // Starts the helper thread (named `thread_name` where the system allows).
  explicit SplitWork(const char* thread_name = "split-work");
  ~SplitWork();  // stops and joins the helper
  SplitWork(const SplitWork&) = delete;
  SplitWork& operator=(const SplitWork&) = delete;

  // Calls work(i) once for every i in [0, n), from this thread and the
  // helper, and returns when all calls returned. `work` must be safe to
  // run on two threads at once for different i. An exception thrown by a
  // call is rethrown here (the first one; the rest of the indices may then
  // not have run). Not reentrant: one run() at a time.
  void run(std::size_t n, const std::function<void(std::size_t)>& work);

 private:
  void helper_loop();
  void take_chunks();

  std::mutex mu_;
  std::condition_variable wake_;  // the helper: a job or stop
  std::condition_variable done_;  // the caller: the helper left the job
  const std::function<void(std::size_t)>* work_ = nullptr;
  std::size_t n_ = 0;
  std::size_t next_ = 0;        // the first index no thread has taken (under mu_)
  std::size_t generation_ = 0;  // one per run(): the helper joins each job once
  bool job_open_ = false;       // run() has not yet finished its own share
  bool helper_active_ = false;  // the helper is taking chunks of the current job
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread helper_;
};

}  // namespace e911
