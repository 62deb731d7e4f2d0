#include "consumers/notifier/notification_record.h"

#include <algorithm>

#include "common/json_writer.h"

namespace e911::notifier {
namespace {

using json::put;
using json::put_if;
using json::Writer;

}  // namespace

std::string encode_notification(const NotificationRecord& r) {
  return json::encode_record(kNotificationSchema, [&](Writer& w) {
    put(w, "notification_id", r.notification_id);
    put(w, "call_id", r.call_id);
    put_if(w, "class", r.call_class);
    put_if(w, "list", r.list);
    w.Key("recipient");
    w.StartObject();
    put_if(w, "name", r.recipient_name);
    put_if(w, "address", r.address);
    w.EndObject();
    put(w, "channel", r.channel);
    put_if(w, "transport", r.transport);
    w.Key("attempt");
    w.Int(std::max(1, r.attempt));
    put(w, "status", r.status);
    put_if(w, "error", r.error);
    put_if(w, "provider_id", r.provider_id);
    if (r.call_occurred_at) {
      put(w, "call_occurred_at", format_rfc3339(*r.call_occurred_at));
      w.Key("latency_ms");
      w.Int64(std::max<EpochMillis>(0, r.at - *r.call_occurred_at));
    }
    put(w, "at", format_rfc3339(r.at));
    put_if(w, "escalated_to", r.escalated_to);
    put_if(w, "acknowledged_by", r.acknowledged_by);
    put_if(w, "comment", r.comment);
  });
}

}  // namespace e911::notifier
