#pragma once
// A service (locator, notifier) on a named thread of its own, as the
// benchmarks run it: the thread's id is kept so its CPU time can be told
// from the rest, and a failure is thrown where the bench next looks.

#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "common/service/service.h"

namespace e911::bench {

class ServiceThread {
 public:
  // Starts service.run() on a thread named `thread_name` (threads it
  // starts inherit the name; librdkafka's rename themselves rdk:*).
  ServiceThread(service::Service& service, std::string thread_name);
  ~ServiceThread() { stop(); }
  ServiceThread(const ServiceThread&) = delete;
  ServiceThread& operator=(const ServiceThread&) = delete;

  // Until started(), for at most two minutes; throws when it failed.
  void wait_started();
  // Throws when the service failed.
  void check() const;
  std::string error() const;
  int tid() const { return tid_.load(); }
  void stop();

 private:
  service::Service& service_;
  std::string name_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::atomic<int> tid_{0};
  mutable std::mutex mu_;
  std::string error_;
  std::thread thread_;  // last: started once the rest exists
};

// A service of type S that ServiceThread runs; `->` reaches the service.
template <class S>
class RunningService {
 public:
  template <class... A>
  RunningService(std::string thread_name, A&&... args)
      : service_(std::make_unique<S>(std::forward<A>(args)...)), thread_(*service_, std::move(thread_name)) {}
  S* operator->() { return service_.get(); }
  const S* operator->() const { return service_.get(); }
  ServiceThread& thread() { return thread_; }
  const ServiceThread& thread() const { return thread_; }

 private:
  std::unique_ptr<S> service_;
  ServiceThread thread_;  // stopped and joined before the service goes
};

}  // namespace e911::bench
