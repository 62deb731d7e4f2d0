#include "consumers/notifier/admission.h"

#include "consumers/notifier/alert_plan.h"
#include "consumers/notifier/alert_records.h"

namespace e911::notifier {

Admission::Admission(const NotifierServiceOptions& options, NotifierStore& store, AlertBook& book,
                     Escalation& escalation, NotifierMetrics& metrics, NotifierCounters& counters,
                     AdmissionHooks hooks)
    : options_(options), store_(store), book_(book), escalation_(escalation), metrics_(metrics), counters_(counters),
      hooks_(std::move(hooks)) {}

void Admission::admit(const kafka::Message& msg, const kafka::Ack& ack, kafka::DeadLetterWriter& dead_letters) {
  ++counters_.calls;
  Result<EmergencyCallView> view = Error{"value: null (a tombstone), not an emergency call"};
  if (!msg.tombstone) view = decode_emergency_call(msg.value);
  if (!view) {
    metrics_.count_call("rejected");
    log_.warn("emergency call rejected", {{"topic", msg.topic}, {"partition", msg.partition},
                                          {"offset", msg.offset}, {"reason", view.error().message}});
    dead_letters.write(msg, view.error().message, ack);
    metrics_.dead_letters.Increment();
    ++counters_.dead_letters;
    return;
  }
  const auto reg = hooks_.registry();
  const auto plan = plan_alerts(*view, *reg);
  if (plan.test_call_not_alerted) {
    metrics_.count_call("test_not_alerted");
    log_.info("test call not alerted (registry defaults.alert_test_calls: false)", {{"call_id", view->call_id}});
    ack.done();
    return;
  }
  if (plan.targets.empty()) {
    // Nobody to tell and no fallback: the loudest thing left is the log,
    // the metric (alert on it) and /healthz staying up to say the rest works.
    metrics_.count_call("nobody_to_alert");
    log_.error("emergency call with nobody to alert: no usable notification list and no fallback list",
               {{"call_id", view->call_id}, {"notify", view->notify}});
    ack.done();
    return;
  }
  const auto now = now_millis();
  StoredCall row;
  row.call_id = view->call_id;
  row.document = std::string(msg.value);
  row.received_at = now;
  row.list = plan.list;
  if (!options_.ack_base_url.empty() && options_.ack_timeout.count() > 0) {
    row.ack_due_at = now + options_.ack_timeout.count();
  }
  auto call = std::make_shared<CallContext>();
  call->row = row;
  call->view = std::move(*view);
  call->site = plan.site;
  const auto candidates = new_alerts(plan.targets, row.call_id, plan.escalation_note, now);
  const auto fresh = store_.admit(row, candidates, [&](const StoredAlert& a) -> std::optional<OutboxRecord> {
    if (plan.escalation_note.empty()) return std::nullopt;
    // Alerting the fallback list straight away is an escalation too: say so.
    auto r = record_of(a, *call, "escalated", now);
    r.attempt = 1;
    r.escalated_to = plan.list;
    r.error = plan.escalation_note;
    return outbox_entry(r);
  });
  ack.done();  // durable: the alerts are recorded
  if (fresh.empty()) {
    ++counters_.duplicate_calls;
    metrics_.count_call("duplicate");
    log_.info("emergency call already alerted (redelivered)", {{"call_id", row.call_id}});
    return;
  }
  ++counters_.admitted;
  metrics_.count_call(plan.escalation_note.empty() ? "alerted" : "alerted_fallback");
  if (!plan.escalation_note.empty()) {
    metrics_.escalations.Add({{"reason", "no_list"}}).Increment();
    ++counters_.escalations;
    hooks_.wake_publisher();
    log_.warn("call's own list unusable: fallback list alerted",
              {{"call_id", row.call_id}, {"list", plan.list}, {"why", plan.escalation_note}});
  }
  log_.info("alerting", {{"call_id", row.call_id}, {"class", class_name(call->view)}, {"list", plan.list},
                         {"alerts", fresh.size()}});
  book_.add(fresh, call);
  if (row.ack_due_at > 0) escalation_.watch(row.call_id, row.ack_due_at);
}

}  // namespace e911::notifier
