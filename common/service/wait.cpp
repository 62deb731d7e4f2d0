#include "common/service/wait.h"

#include <thread>

namespace e911::service {

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout, const std::atomic<bool>* stop) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if ((stop != nullptr && stop->load()) || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition, with a deadline
  }
  return true;
}

}  // namespace e911::service
