#include "bench/support/service_thread.h"

#include <pthread.h>

#include <chrono>

#include "bench/support/threads.h"

namespace e911::bench {

ServiceThread::ServiceThread(service::Service& service, std::string thread_name)
    : service_(service), name_(std::move(thread_name)) {
  thread_ = std::thread([this] {
    tid_ = current_tid();
    pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
    try {
      service_.run(stop_);
    } catch (const std::exception& e) {
      std::lock_guard lock(mu_);
      error_ = e.what();
    }
    done_ = true;
  });
}

void ServiceThread::wait_started() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!service_.started()) {
    check();
    if (done_ || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(name_ + " did not start: " + error());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void ServiceThread::check() const {
  if (const auto e = error(); !e.empty()) throw std::runtime_error(name_ + " failed: " + e);
}

std::string ServiceThread::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

void ServiceThread::stop() {
  if (thread_.joinable()) {
    stop_ = true;
    thread_.join();
  }
}

}  // namespace e911::bench
