#pragma once
// Admission of emergency calls, on the consumer thread: decode the
// document (a bad one goes to the dead-letter topic), plan its alerts from
// the registry, record the call and its alerts in the state (one
// transaction) and only then acknowledge the Kafka message, schedule the
// alerts and watch for the acknowledgement deadline. A redelivered call
// finds its alerts recorded and alerts nobody twice.
//
// Back-pressure: no call is taken while max_pending_alerts alerts are
// pending (an alert storm is drained, not buffered without bound); the
// service says so to its shell (ConsumerHooks::ready), which pauses the
// partitions and keeps the member in its group, rather than admit()
// blocking the consumer thread.

#include <atomic>
#include <functional>
#include <memory>

#include "common/kafka/consumer.h"
#include "common/kafka/dead_letter_writer.h"
#include "common/log.h"
#include "consumers/notifier/alert_book.h"
#include "consumers/notifier/escalation.h"
#include "consumers/notifier/notifier_metrics.h"
#include "consumers/notifier/notifier_service.h"
#include "consumers/notifier/notifier_store.h"

namespace e911::notifier {

struct AdmissionHooks {
  std::function<std::shared_ptr<const registry::Registry>()> registry;
  std::function<void()> wake_publisher;
};

class Admission {
 public:
  Admission(const NotifierServiceOptions& options, NotifierStore& store, AlertBook& book, Escalation& escalation,
            NotifierMetrics& metrics, NotifierCounters& counters, AdmissionHooks hooks);

  // One emergency-calls message. Throws when the state cannot be written
  // (the message is then not acknowledged).
  void admit(const kafka::Message& message, const kafka::Ack& ack, kafka::DeadLetterWriter& dead_letters);

 private:
  const NotifierServiceOptions& options_;
  NotifierStore& store_;
  AlertBook& book_;
  Escalation& escalation_;
  NotifierMetrics& metrics_;
  NotifierCounters& counters_;
  AdmissionHooks hooks_;
  Logger log_{"notifier"};
};

}  // namespace e911::notifier
