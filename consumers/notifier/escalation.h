#pragma once
// Escalation to the registry's fallback list: when every alert to a list
// has failed, or nobody on it acknowledges before the call's
// acknowledgement deadline. The fallback's alerts are recorded (with
// "escalated" records for the list given up on) in one transaction, which
// also marks the call escalated, so a call escalates once; they are then
// scheduled like any other.
//
// The deadlines are kept by a timer thread of its own (watch()), which
// also calls `tick` about once a second (the service's gauges).
//
// Threads: every method from any thread; start()/stop() from the
// service's.

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/log.h"
#include "consumers/notifier/alert_book.h"
#include "consumers/notifier/notifier_metrics.h"
#include "consumers/notifier/notifier_store.h"
#include "registry/registry.h"

namespace e911::notifier {

struct EscalationHooks {
  std::function<std::shared_ptr<const registry::Registry>()> registry;  // the one in force
  std::function<void()> wake_publisher;
  std::function<void(const std::string&)> fail;  // the state could not be read or written
  std::function<void()> tick;                    // about once a second, on the timer thread
};

class Escalation {
 public:
  Escalation(NotifierStore& store, AlertBook& book, NotifierMetrics& metrics, NotifierCounters& counters,
             std::chrono::milliseconds ack_timeout, EscalationHooks hooks);
  ~Escalation();  // stop()

  void start();
  void stop();

  // The call must be acknowledged by `due` (epoch ms) or it escalates.
  void watch(const std::string& call_id, EpochMillis due);
  // `failed` failed for good: escalate if nothing else of its list is
  // pending or was sent. Throws when the state cannot be read or written.
  void list_alert_failed(const StoredAlert& failed);
  // Escalates the call from `from_list` (`reason` labels the metric),
  // unless it was acknowledged or escalated meanwhile.
  void escalate(const std::string& call_id, const std::string& from_list, const std::string& note,
                const char* reason);

 private:
  void timer_loop();
  void check_acknowledged(const std::string& call_id);

  NotifierStore& store_;
  AlertBook& book_;
  NotifierMetrics& metrics_;
  NotifierCounters& counters_;
  std::chrono::milliseconds ack_timeout_;
  EscalationHooks hooks_;
  Logger log_{"notifier"};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::multimap<EpochMillis, std::string> deadlines_;  // due time -> call id
  std::thread timer_;
};

}  // namespace e911::notifier
