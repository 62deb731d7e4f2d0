#include "consumers/notifier/alert_book.h"

#include "consumers/notifier/notifier_metrics.h"

namespace e911::notifier {

AlertBook::AlertBook(ContextLoader load) : load_(std::move(load)) {}

std::shared_ptr<CallContext> AlertBook::context_locked(const std::string& call_id) {
  if (auto it = calls_.find(call_id); it != calls_.end()) return it->second;
  auto call = load_ ? load_(call_id) : nullptr;
  if (call) calls_.emplace(call_id, call);
  return call;
}

std::shared_ptr<CallContext> AlertBook::context(const std::string& call_id) {
  std::lock_guard lock(mu_);
  return context_locked(call_id);
}

void AlertBook::add_locked(const std::vector<StoredAlert>& alerts, const std::shared_ptr<CallContext>& call,
                           bool lead) {
  calls_[call->row.call_id] = call;
  std::array<bool, 3> led{};
  for (const auto& a : alerts) {
    const auto channel = parse_channel(a.channel);
    if (!channel) continue;
    const auto i = index_of(*channel);
    alerts_[a.notification_id] = a;
    ++call->pending;
    auto& queue = lead && !led[i] && a.attempts == 0 ? leading_[i] : queues_[i];
    led[i] = true;
    queue.emplace(a.next_attempt_at, a.notification_id);
    due_cv_[i].notify_one();
  }
}

void AlertBook::add(const std::vector<StoredAlert>& alerts, const std::shared_ptr<CallContext>& call, bool lead) {
  std::lock_guard lock(mu_);
  add_locked(alerts, call, lead);
}

void AlertBook::escalated(const std::shared_ptr<CallContext>& call, const std::string& list,
                          const std::vector<StoredAlert>& alerts) {
  std::lock_guard lock(mu_);
  call->row.escalated_to = list;
  add_locked(alerts, call, /*lead=*/true);
}

// The leading queue's first when it is due, else the earlier of the two;
// null when both are empty.
AlertBook::Queue* AlertBook::next_queue_locked(std::size_t i, EpochMillis now) {
  auto& lead = leading_[i];
  auto& rest = queues_[i];
  if (!lead.empty() && lead.begin()->first <= now) return &lead;
  if (lead.empty()) return rest.empty() ? nullptr : &rest;
  if (rest.empty()) return &lead;
  return lead.begin()->first <= rest.begin()->first ? &lead : &rest;
}

std::optional<AlertBook::Due> AlertBook::take(Channel channel) {
  const auto i = index_of(channel);
  std::unique_lock lock(mu_);
  for (;;) {
    if (closed_) return std::nullopt;
    const auto now = now_millis();
    auto* next = next_queue_locked(i, now);
    if (next == nullptr) {
      due_cv_[i].wait(lock);
      continue;
    }
    const auto first = next->begin();
    if (first->first > now) {
      due_cv_[i].wait_for(lock, std::chrono::milliseconds(first->first - now));
      continue;
    }
    const std::string id = first->second;
    next->erase(first);
    const auto it = alerts_.find(id);
    if (it == alerts_.end()) continue;
    return Due{it->second, context_locked(it->second.call_id), suspect_.erase(id) > 0};
  }
}

void AlertBook::finish(const StoredAlert& alert, const std::shared_ptr<CallContext>& call, Channel channel) {
  std::lock_guard lock(mu_);
  if (alert.state == AlertState::pending) {
    alerts_[alert.notification_id] = alert;
    queues_[index_of(channel)].emplace(alert.next_attempt_at, alert.notification_id);
    return;
  }
  alerts_.erase(alert.notification_id);
  suspect_.erase(alert.notification_id);
  // Only a cache: the acknowledgement check and escalation read the
  // state, and context() decodes the call again when needed.
  if (--call->pending <= 0) calls_.erase(call->row.call_id);
}

void AlertBook::drop(const std::string& notification_id) {
  std::lock_guard lock(mu_);
  alerts_.erase(notification_id);
  suspect_.erase(notification_id);
}

void AlertBook::hand_over(const std::string& notification_id, const std::shared_ptr<CallContext>& call) {
  std::lock_guard lock(mu_);
  suspect_.erase(notification_id);
  if (alerts_.erase(notification_id) == 0) return;
  if (--call->pending <= 0) calls_.erase(call->row.call_id);
}

void AlertBook::suspect_all() {
  std::lock_guard lock(mu_);
  for (const auto& [id, alert] : alerts_) suspect_.insert(id);
}

void AlertBook::forget_if_idle(const std::string& call_id) {
  std::lock_guard lock(mu_);
  if (auto it = calls_.find(call_id); it != calls_.end() && it->second->pending <= 0) calls_.erase(it);
}

std::size_t AlertBook::pending() const {
  std::lock_guard lock(mu_);
  return alerts_.size();
}

EpochMillis AlertBook::oldest_created() const {
  std::lock_guard lock(mu_);
  EpochMillis oldest = 0;
  for (const auto& [id, a] : alerts_) {
    if (oldest == 0 || a.created_at < oldest) oldest = a.created_at;
  }
  return oldest;
}

void AlertBook::open() {
  std::lock_guard lock(mu_);
  closed_ = false;
}

void AlertBook::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  for (auto& cv : due_cv_) cv.notify_all();
}

}  // namespace e911::notifier
