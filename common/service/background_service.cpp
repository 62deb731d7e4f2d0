#include "common/service/background_service.h"

#include <exception>

#include "common/service/wait.h"

namespace e911::service {

BackgroundService::BackgroundService(Service& service)
    : service_(service), thread_([this] {
        try {
          service_.run(stop_);
        } catch (const std::exception& e) {
          std::lock_guard lock(mu_);
          error_ = e.what();
          failed_.store(true);
        }
        ended_.store(true);
      }) {}

BackgroundService::~BackgroundService() { stop(); }

void BackgroundService::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

bool BackgroundService::wait_started(std::chrono::milliseconds timeout) const {
  return wait_until([this] { return service_.started() || ended_.load(); }, timeout) && service_.started();
}

std::string BackgroundService::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

}  // namespace e911::service
