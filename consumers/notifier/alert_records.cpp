#include "consumers/notifier/alert_records.h"

#include <algorithm>

#include "consumers/notifier/ack_token.h"

namespace e911::notifier {

std::string class_name(const EmergencyCallView& v) { return v.is_test() ? "test" : "emergency"; }

std::string duration_text(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

std::vector<StoredAlert> new_alerts(const std::vector<AlertTarget>& targets, const std::string& call_id,
                                    const std::string& escalation_note, EpochMillis now) {
  std::vector<StoredAlert> out;
  out.reserve(targets.size());
  for (const auto& t : targets) {
    StoredAlert a;
    a.notification_id = t.notification_id;
    a.call_id = call_id;
    a.list = t.list;
    a.recipient_name = t.recipient_name;
    a.channel = std::string(channel_name(t.channel));
    a.address = t.address;
    a.escalation_note = escalation_note;
    a.ack_id = make_ack_id();
    a.next_attempt_at = now;
    a.created_at = now;
    out.push_back(std::move(a));
  }
  return out;
}

NotificationRecord record_of(const StoredAlert& a, const CallContext& c, const char* status, EpochMillis at) {
  NotificationRecord r;
  r.notification_id = a.notification_id;
  r.call_id = a.call_id;
  r.call_class = class_name(c.view);
  r.list = a.list;
  r.recipient_name = a.recipient_name;
  r.address = a.address;
  r.channel = a.channel;
  r.attempt = std::max(1, a.attempts);
  r.status = status;
  r.call_occurred_at = c.view.occurred_at;
  r.at = at;
  return r;
}

OutboxRecord outbox_entry(const NotificationRecord& r) { return {0, r.call_id, encode_notification(r)}; }

OutgoingAlert render_alert(const StoredAlert& a, const CallContext& c, Channel channel, const std::string& ack_url,
                           const std::string& webhook_secret) {
  OutgoingAlert out;
  out.channel = channel;
  out.notification_id = a.notification_id;
  out.call_id = a.call_id;
  out.recipient_name = a.recipient_name;
  out.address = a.address;
  const AlertExtras extras{ack_url, a.escalation_note};
  switch (channel) {
    case Channel::email: {
      auto m = render_email(c.view, c.site, extras);
      out.subject = std::move(m.subject);
      out.text = std::move(m.text);
      out.html = std::move(m.html);
      break;
    }
    case Channel::sms: out.text = render_sms(c.view, c.site, extras); break;
    case Channel::webhook:
      out.body = render_webhook(c.view, c.site, extras);
      if (!webhook_secret.empty()) out.signature = webhook_signature(webhook_secret, out.body);
      break;
  }
  return out;
}

}  // namespace e911::notifier
