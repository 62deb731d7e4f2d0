#include "consumers/notifier/escalation.h"

#include "consumers/notifier/alert_plan.h"
#include "consumers/notifier/alert_records.h"

namespace e911::notifier {

using Clock = std::chrono::steady_clock;

Escalation::Escalation(NotifierStore& store, AlertBook& book, NotifierMetrics& metrics, NotifierCounters& counters,
                       std::chrono::milliseconds ack_timeout, EscalationHooks hooks)
    : store_(store), book_(book), metrics_(metrics), counters_(counters), ack_timeout_(ack_timeout),
      hooks_(std::move(hooks)) {}

Escalation::~Escalation() { stop(); }

void Escalation::start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  timer_ = std::thread([this] { timer_loop(); });
}

void Escalation::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (timer_.joinable()) timer_.join();
}

void Escalation::watch(const std::string& call_id, EpochMillis due) {
  std::lock_guard lock(mu_);
  deadlines_.emplace(due, call_id);
  cv_.notify_one();
}

void Escalation::timer_loop() {
  std::unique_lock lock(mu_);
  auto next_tick = Clock::now();
  while (!stopping_) {
    if (Clock::now() >= next_tick) {
      next_tick = Clock::now() + std::chrono::seconds(1);
      lock.unlock();
      if (hooks_.tick) hooks_.tick();
      lock.lock();
      continue;
    }
    const auto now = now_millis();
    if (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      const std::string call_id = deadlines_.begin()->second;
      deadlines_.erase(deadlines_.begin());
      lock.unlock();
      try {
        check_acknowledged(call_id);
      } catch (const std::exception& e) {
        log_.error("notifier state could not be read or written; stopping", {{"error", e.what()}});
        hooks_.fail(std::string("notifier state: ") + e.what());
      }
      book_.forget_if_idle(call_id);
      lock.lock();
      continue;
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - Clock::now());
    if (!deadlines_.empty()) wait = std::min(wait, std::chrono::milliseconds(deadlines_.begin()->first - now));
    cv_.wait_for(lock, std::max(wait, std::chrono::milliseconds(1)));
  }
}

void Escalation::check_acknowledged(const std::string& call_id) {
  ++counters_.ack_checks;
  const auto row = store_.call(call_id);
  if (!row || row->acknowledged_at != 0 || !row->escalated_to.empty()) return;
  escalate(call_id, row->list, row->list + " did not acknowledge within " + duration_text(ack_timeout_),
           "not_acknowledged");
}

void Escalation::list_alert_failed(const StoredAlert& failed) {
  bool any_pending = false, any_sent = false;
  for (const auto& a : store_.alerts_of(failed.call_id)) {
    if (a.list != failed.list) continue;
    any_pending |= a.state == AlertState::pending;
    any_sent |= a.state == AlertState::sent;
  }
  if (any_pending || any_sent) return;
  escalate(failed.call_id, failed.list, "every alert to " + failed.list + " failed", "delivery_failed");
}

void Escalation::escalate(const std::string& call_id, const std::string& from_list, const std::string& note,
                          const char* reason) {
  const auto reg = hooks_.registry();
  const auto to = escalation_list(from_list, *reg);
  if (to.empty()) {
    metrics_.escalations.Add({{"reason", "no_fallback"}}).Increment();
    log_.error("cannot escalate: no fallback list (registry defaults.fallback_list)",
               {{"call_id", call_id}, {"list", from_list}, {"why", note}});
    return;
  }
  const auto call = book_.context(call_id);
  if (!call) return;
  const auto now = now_millis();
  const auto fresh = new_alerts(list_targets(call_id, to, *reg), call_id, note, now);
  std::vector<OutboxRecord> records;
  for (const auto& a : store_.alerts_of(call_id)) {
    if (a.list != from_list) continue;
    auto r = record_of(a, *call, "escalated", now);
    r.escalated_to = to;
    r.error = note;
    records.push_back(outbox_entry(r));
  }
  std::vector<StoredAlert> added;
  if (!store_.escalate(call_id, to, fresh, records, added,
                       [](const StoredAlert&) { return std::optional<OutboxRecord>{}; })) {
    return;  // acknowledged or escalated meanwhile
  }
  metrics_.escalations.Add({{"reason", reason}}).Increment();
  ++counters_.escalations;
  hooks_.wake_publisher();
  log_.warn("escalated", {{"call_id", call_id}, {"from", from_list}, {"to", to}, {"why", note},
                          {"alerts", added.size()}});
  book_.escalated(call, to, added);
}

}  // namespace e911::notifier
