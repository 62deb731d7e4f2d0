#include "consumers/notifier/delivery.h"

#include <algorithm>

#include "consumers/notifier/ack_token.h"
#include "consumers/notifier/alert_records.h"

namespace e911::notifier {

using Clock = std::chrono::steady_clock;

Delivery::Delivery(const NotifierServiceOptions& options, NotifierStore& store, AlertBook& book, LeaseFence& fence,
                   NotifierMetrics& metrics, NotifierCounters& counters, DeliveryHooks hooks)
    : options_(options),
      store_(store),
      book_(book),
      fence_(fence),
      metrics_(metrics),
      counters_(counters),
      hooks_(std::move(hooks)) {}

Delivery::~Delivery() { stop(); }

void Delivery::start() {
  book_.open();
  fence_.open();
  for (auto c : kChannels) {
    for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.workers_per_channel); ++i) {
      workers_.emplace_back([this, c] { worker_loop(c); });
    }
  }
}

void Delivery::stop() {
  book_.close();
  fence_.close();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

double Delivery::random01() {
  std::lock_guard lock(rng_mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

std::string Delivery::ack_url(const StoredAlert& a) const {
  if (options_.ack_base_url.empty()) return {};
  return options_.ack_base_url + "/ack/" + ack_token(a.ack_id, options_.ack_key);
}

void Delivery::worker_loop(Channel channel) {
  for (;;) {
    // Read before take(): a lapse after it makes the taken alert suspect.
    const auto epoch = fence_.epoch();
    auto due = book_.take(channel);
    if (!due) return;
    auto& alert = due->alert;
    if (!due->call) {
      log_.error("pending alert whose call is missing from the state", {{"notification_id", alert.notification_id}});
      book_.drop(alert.notification_id);
      continue;
    }
    try {
      // Rendered first, so the fence is checked as close to the send as
      // it can be: an instance frozen between the check and the send sends
      // when it wakes, even if its alert was claimed meanwhile (the bound
      // of docs/decisions/0010-notifier-shared-store.md).
      const auto out = render_alert(alert, *due->call, channel, ack_url(alert), options_.webhook_secret);
      if (!cleared(*due, epoch)) continue;
      if (!attempt(alert, *due->call, channel, out)) {
        hand_over(*due);
        continue;
      }
    } catch (const std::exception& e) {
      // The state could not be written: nothing is known to be durable, so
      // stop and let a restart resume from what is.
      log_.error("alert state could not be recorded; stopping",
                 {{"notification_id", alert.notification_id}, {"error", e.what()}});
      hooks_.fail(std::string("notifier state: ") + e.what());
      continue;
    }
    book_.finish(alert, due->call, channel);
    if (alert.state != AlertState::failed) continue;
    try {
      hooks_.on_failed(alert);
    } catch (const std::exception& e) {
      log_.error("notifier state could not be read or written; stopping", {{"error", e.what()}});
      hooks_.fail(std::string("notifier state: ") + e.what());
    }
  }
}

bool Delivery::cleared(const AlertBook::Due& due, std::uint64_t epoch_before_take) {
  const auto epoch = fence_.wait_held();
  if (!epoch) return false;  // stopping: the alert stays pending in the state
  if (!due.suspect && *epoch == epoch_before_take) return true;
  if (store_.owns(due.alert.notification_id)) return true;
  hand_over(due);
  return false;
}

// Claimed by another instance while this one's lease had lapsed: that one
// sends it from now on.
void Delivery::hand_over(const AlertBook::Due& due) {
  ++counters_.lost_to_claim;
  metrics_.lost_to_claim.Increment();
  log_.warn("alert claimed by another notifier instance; no longer sent from here",
            {{"notification_id", due.alert.notification_id}});
  book_.hand_over(due.alert.notification_id, due.call);
}

SendResult Delivery::send(Channel channel, const OutgoingAlert& out, std::string& transport_name) {
  const auto it = options_.transports.find(channel);
  if (it == options_.transports.end() || !it->second) {
    return SendResult::give_up("no " + std::string(channel_name(channel)) + " transport configured");
  }
  transport_name = std::string(it->second->name());
  try {
    return it->second->send(out);
  } catch (const std::exception& e) {
    return SendResult::retry_later(std::string("transport error: ") + e.what());
  }
}

bool Delivery::attempt(StoredAlert& alert, const CallContext& call, Channel channel, const OutgoingAlert& out) {
  const auto started = now_millis();
  const auto t0 = Clock::now();
  std::string transport_name;
  const auto result = send(channel, out, transport_name);
  metrics_.attempt_duration.Add({{"channel", alert.channel}})
      .Observe(std::chrono::duration<double>(Clock::now() - t0).count());
  const auto at = now_millis();
  ++alert.attempts;
  if (alert.first_attempt_at == 0) alert.first_attempt_at = started;
  alert.last_error = result.error;
  const char* status = "sent";
  if (result.accepted()) {
    alert.state = AlertState::sent;
    alert.done_at = at;
    alert.provider_id = result.provider_id;
  } else if (result.kind == SendResult::Kind::transient) {
    const auto next = next_attempt_at(options_.retry, alert.first_attempt_at, at, alert.attempts, random01());
    if (next) {
      alert.next_attempt_at = *next;
      status = "retrying";
    } else {
      alert.state = AlertState::failed;
      alert.done_at = at;
      alert.last_error += " (retry deadline passed)";
      status = "failed";
    }
  } else {
    alert.state = AlertState::failed;
    alert.done_at = at;
    status = "failed";
  }
  auto record = record_of(alert, call, status, at);
  record.transport = transport_name;
  record.error = alert.last_error;
  record.provider_id = alert.provider_id;
  // Our attempt's outcome is not recorded when the alert is no longer ours:
  // the claimer attempts it again (the duplicate docs/operations.md bounds).
  if (!store_.update_alert(alert, {outbox_entry(record)})) return false;
  hooks_.wake_publisher();
  if (alert.state == AlertState::sent) {
    metrics_.count_attempt(channel, "sent");
    ++counters_.sent;
    const auto from = call.view.occurred_at.value_or(call.row.received_at);
    metrics_.delivery_latency.Add({{"channel", alert.channel}}).Observe(std::max<EpochMillis>(0, at - from) / 1000.0);
  } else if (alert.state == AlertState::failed) {
    metrics_.count_attempt(channel, "failed");
    ++counters_.failed;
    log_.error("alert failed", {{"call_id", alert.call_id}, {"notification_id", alert.notification_id},
                                {"channel", alert.channel}, {"attempt", alert.attempts}, {"error", alert.last_error}});
  } else {
    metrics_.count_attempt(channel, "retried");
    ++counters_.retried;
    log_.warn("alert attempt failed; retrying",
              {{"call_id", alert.call_id}, {"notification_id", alert.notification_id}, {"channel", alert.channel},
               {"attempt", alert.attempts}, {"error", alert.last_error}, {"retry_in_ms", alert.next_attempt_at - at}});
  }
  return true;
}

}  // namespace e911::notifier
