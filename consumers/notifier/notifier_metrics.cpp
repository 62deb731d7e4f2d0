#include "consumers/notifier/notifier_metrics.h"

namespace e911::notifier {

NotifierMetrics::NotifierMetrics(observability::MetricsRegistry& m)
    : calls(m.counter("notifier", "calls", "Emergency-calls messages consumed, by outcome.")),
      alerts(m.counter("notifier", "alerts", "Alert attempts by channel and result.")),
      escalations(m.counter("notifier", "escalations", "Escalations to the fallback list, by reason.")),
      acknowledgements(m.counter("notifier", "acknowledgements", "Acknowledgement link uses, by result.")),
      dead_letters(m.counter("notifier", "dead_letters", "Rejected emergency-call messages dead-lettered.").Add({})),
      claimed(m.counter("notifier", "alerts_claimed",
                        "Pending alerts taken over from notifier instances whose lease on the shared store expired.")
                  .Add({})),
      lost_to_claim(m.counter("notifier", "alerts_lost_to_claim",
                              "Alerts this instance stopped sending because another instance claimed them while this "
                              "one's lease on the shared store had lapsed (it was frozen or cut off).")
                        .Add({})),
      delivery_latency(m.latency_histogram(
          "notifier", "alert_delivery_latency",
          "From the call (its occurred_at) to the channel accepting the alert, by channel.")),
      attempt_duration(
          m.latency_histogram("notifier", "alert_attempt_duration", "How long one delivery attempt took, by channel.")),
      pending(m.gauge("notifier", "retry_queue_alerts", "Alerts pending (to send or retry).").Add({})),
      oldest_pending(m.gauge("notifier", "oldest_pending_alert_age_seconds",
                             "Age of the oldest pending alert (0 when none).")
                         .Add({})),
      unpublished(m.gauge("notifier", "unpublished_records", "Notification records waiting to be acknowledged by Kafka.")
                      .Add({})) {
  // Every series alerts and dashboards use exists at 0 from start-up, so
  // the first occurrence after a restart shows in increase().
  for (const char* outcome : {"alerted", "alerted_fallback", "duplicate", "rejected", "test_not_alerted", "nobody_to_alert"})
    calls.Add({{"outcome", outcome}});
  for (const char* reason : {"delivery_failed", "not_acknowledged", "no_list", "no_fallback"})
    escalations.Add({{"reason", reason}});
  for (const char* result : {"acknowledged", "already_acknowledged", "expired", "invalid"})
    acknowledgements.Add({{"result", result}});
  for (auto c : kChannels) {
    for (const char* result : {"sent", "retried", "failed"}) {
      alert_counters[index_of(c)][result] = &alerts.Add({{"channel", std::string(channel_name(c))}, {"result", result}});
    }
  }
}

}  // namespace e911::notifier
