#pragma once
// The notifier's metrics (docs/operations.md, "The notifier") and the
// counters behind NotifierService::stats(), shared by its parts.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "common/observability/metrics_registry.h"
#include "consumers/notifier/transport.h"

namespace e911::notifier {

inline std::size_t index_of(Channel c) { return static_cast<std::size_t>(c); }
inline constexpr std::array<Channel, 3> kChannels{Channel::sms, Channel::email, Channel::webhook};

struct NotifierMetrics {
  explicit NotifierMetrics(observability::MetricsRegistry& registry);

  void count_call(const char* outcome) { calls.Add({{"outcome", outcome}}).Increment(); }
  // An attempt's result on `channel`: "sent", "retried" or "failed".
  void count_attempt(Channel channel, const char* result) { alert_counters[index_of(channel)].at(result)->Increment(); }

  prometheus::Family<prometheus::Counter>& calls;
  prometheus::Family<prometheus::Counter>& alerts;
  prometheus::Family<prometheus::Counter>& escalations;
  prometheus::Family<prometheus::Counter>& acknowledgements;
  prometheus::Counter& dead_letters;
  prometheus::Counter& claimed;  // pending alerts taken over from instances whose lease expired
  prometheus::Counter& lost_to_claim;  // alerts this instance dropped: another claimed them while its lease had lapsed
  observability::LatencyHistogramFamily delivery_latency;
  observability::LatencyHistogramFamily attempt_duration;
  prometheus::Gauge& pending;
  prometheus::Gauge& oldest_pending;
  prometheus::Gauge& unpublished;

 private:
  // Series looked up once: a labelled Add() per attempt costs a hash of the labels.
  std::array<std::map<std::string, prometheus::Counter*, std::less<>>, 3> alert_counters;
};

// What stats() reports; written by every part, from any thread.
struct NotifierCounters {
  std::atomic<std::uint64_t> calls{0}, admitted{0}, duplicate_calls{0}, dead_letters{0}, sent{0}, failed{0},
      retried{0}, escalations{0}, acknowledgements{0}, ack_checks{0}, claimed{0}, lost_to_claim{0};
  std::atomic<std::size_t> pending{0};
};

}  // namespace e911::notifier
