#include "producers/locations/reminder_record.h"

#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/text.h"

namespace e911::locations {

ReminderRecord new_reminder_record(const Reminder& reminder, EpochMillis sent_at) {
  return ReminderRecord{.reminder_id = "rem-" + random_hex(12),
                        .user_id = reminder.user_id,
                        .sent_at = sent_at,
                        .reason = reminder.reason,
                        .registered_at = reminder.registered_at};
}

std::string encode_reminder_record(const ReminderRecord& record) {
  return json::encode_record(kLocationReminderSchema, [&](json::Writer& w) {
    json::put(w, "reminder_id", record.reminder_id);
    json::put(w, "user_id", record.user_id);
    json::put(w, "sent_at", format_rfc3339(record.sent_at));
    json::put(w, "reason", reason_name(record.reason));
    if (record.registered_at > 0) json::put(w, "registered_at", format_rfc3339(record.registered_at));
  });
}

Result<ReminderRecord> decode_reminder_record(std::string_view json, const JsonLimits& limits) {
  rapidjson::Document doc;
  if (auto e = parse_record(json, limits, kLocationReminderSchema, doc)) return *e;
  FieldReader r(doc, "", limits);
  ReminderRecord record;
  std::string sent_at, reason, registered_at;
  r.required_string("reminder_id", record.reminder_id);
  r.required_string("user_id", record.user_id);
  const auto read_time = [&](const char* name, const std::string& text, EpochMillis& out) {
    if (!r.ok() || text.empty()) return;
    if (const auto t = parse_rfc3339(text)) out = *t;
    else r.fail(name, "not an RFC 3339 time: " + quote_for_message(text));
  };
  r.required_string("sent_at", sent_at);
  read_time("sent_at", sent_at, record.sent_at);
  r.required_string("reason", reason);
  if (r.ok()) {
    if (const auto parsed = reason_from_name(reason)) record.reason = *parsed;
    else r.fail("reason", "expected missing, zone-changed, stale or network-changed, got " + quote_for_message(reason));
  }
  r.optional_string("registered_at", registered_at);
  read_time("registered_at", registered_at, record.registered_at);
  if (!r.ok()) return *r.error();
  return record;
}

}  // namespace e911::locations
