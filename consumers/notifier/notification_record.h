#pragma once
// e911.notification/v1: one step in the life of one alert, as written to
// the e911.notifications topic (schemas/notification.v1.schema.json) for
// the auditor and dashboards. Pure encoding.

#include <cstdint>
#include <optional>
#include <string>

#include "common/timestamp.h"

namespace e911::notifier {

inline constexpr std::string_view kNotificationSchema = "e911.notification/v1";

struct NotificationRecord {
  std::string notification_id;
  std::string call_id;
  std::string call_class;  // "emergency" / "test"; empty: left out
  std::string list;
  std::string recipient_name;
  std::string address;
  std::string channel;    // "email", "sms", "webhook"
  std::string transport;  // Transport::name(): "smtp", "kannel", "twilio", "webhook", "outbox"; empty: left out
  int attempt = 1;
  std::string status;  // sent, retrying, failed, escalated, acknowledged
  std::string error;
  std::string provider_id;
  std::optional<EpochMillis> call_occurred_at;
  EpochMillis at = 0;
  std::string escalated_to;
  std::string acknowledged_by;
  std::string comment;
};

// Compact JSON. latency_ms is at - call_occurred_at when both are known
// (never negative: a clock skew between hosts shows as 0).
std::string encode_notification(const NotificationRecord& record);

}  // namespace e911::notifier
