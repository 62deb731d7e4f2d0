#include "consumers/notifier/acknowledgements.h"

#include "consumers/notifier/ack_token.h"
#include "consumers/notifier/alert_plan.h"
#include "consumers/notifier/alert_records.h"

namespace e911::notifier {
namespace {

// A comment left with an acknowledgement is kept up to this many characters.
constexpr std::size_t kMaxAckComment = 500;

}  // namespace

Acknowledgements::Acknowledgements(NotifierStore& store, NotifierMetrics& metrics, NotifierCounters& counters,
                                   const AcknowledgementSettings& settings,
                                   std::function<std::shared_ptr<const registry::Registry>()> registry,
                                   std::function<void()> wake_publisher)
    : store_(store), metrics_(metrics), counters_(counters), settings_(settings), registry_(std::move(registry)),
      wake_publisher_(std::move(wake_publisher)) {}

AckView Acknowledgements::view_of(const StoredAlert& a) {
  AckView v;
  v.call_id = a.call_id;
  v.recipient = a.recipient_name;
  const auto row = store_.call(a.call_id);
  if (!row) return v;
  v.acknowledged_by = row->acknowledged_by;
  v.acknowledged_at = row->acknowledged_at;
  if (auto view = decode_emergency_call(row->document)) {
    const auto facts = alert_facts(*view, alert_site(*view, *registry_()));
    v.banner = facts.banner;
    v.site = facts.site;
    v.caller = facts.caller;
    v.location = facts.location;
    v.call_time = facts.time_line();
  }
  return v;
}

AckView Acknowledgements::look_up(std::string_view token) {
  const auto id = verify_ack_token(token, settings_.key);
  if (!id || settings_.key.empty()) return {};
  const auto alert = store_.alert_by_ack(*id);
  if (!alert) return {};
  auto v = view_of(*alert);
  if (v.acknowledged_at != 0) {
    v.kind = AckView::Kind::already_acknowledged;
  } else if (now_millis() > alert->created_at + settings_.link_ttl.count()) {
    v.kind = AckView::Kind::expired;
  } else {
    v.kind = AckView::Kind::open;
  }
  return v;
}

AckView Acknowledgements::acknowledge(std::string_view token, std::string_view comment) {
  const auto id = verify_ack_token(token, settings_.key);
  if (!id || settings_.key.empty()) {
    metrics_.acknowledgements.Add({{"result", "invalid"}}).Increment();
    return {};
  }
  std::string note = clean_line(comment);
  // Cleaned again after the cut: a cut may split a character.
  if (note.size() > kMaxAckComment) note = clean_line(note.substr(0, kMaxAckComment));
  // The call is read before acknowledge(), which holds the state's lock
  // while it builds the record.
  CallContext call;
  if (const auto alert = store_.alert_by_ack(*id)) {
    if (auto row = store_.call(alert->call_id)) {
      if (auto view = decode_emergency_call(row->document)) call.view = std::move(*view);
    }
  }
  const auto result = store_.acknowledge(*id, now_millis(), settings_.link_ttl.count(), [&](const StoredAlert& a) {
    auto r = record_of(a, call, "acknowledged", now_millis());
    r.acknowledged_by = a.recipient_name.empty() ? a.address : a.recipient_name;
    r.comment = note;
    return outbox_entry(r);
  });
  AckView v;
  if (result.alert) v = view_of(*result.alert);
  switch (result.kind) {
    case AckResult::Kind::acknowledged:
      v.kind = AckView::Kind::acknowledged;
      ++counters_.acknowledgements;
      metrics_.acknowledgements.Add({{"result", "acknowledged"}}).Increment();
      wake_publisher_();
      log_.info("alert acknowledged", {{"call_id", result.call_id}, {"notification_id", result.alert->notification_id}});
      break;
    case AckResult::Kind::already_acknowledged:
      v.kind = AckView::Kind::already_acknowledged;
      metrics_.acknowledgements.Add({{"result", "already_acknowledged"}}).Increment();
      break;
    case AckResult::Kind::expired:
      v.kind = AckView::Kind::expired;
      metrics_.acknowledgements.Add({{"result", "expired"}}).Increment();
      break;
    case AckResult::Kind::unknown:
      v = {};
      metrics_.acknowledgements.Add({{"result", "invalid"}}).Increment();
      break;
  }
  return v;
}

}  // namespace e911::notifier
