#pragma once
// A gate a server's handler can be held at until the test opens it: for a
// peer that is busy, or never answers in time, without sleeping.

#include <condition_variable>
#include <mutex>

namespace e911::test {

class Gate {
 public:
  // Blocks until open() (at once when already open).
  void wait() {
    std::unique_lock lock(mu_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    --waiting_;
  }
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // How many are held at it now.
  int waiting() {
    std::lock_guard lock(mu_);
    return waiting_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int waiting_ = 0;
};

}  // namespace e911::test
