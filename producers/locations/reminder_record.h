#pragma once
// One reminder sent, as a Kafka record on e911.location-reminders
// (topics.location_reminders): key the user id, value
// schemas/location-reminder.v1.schema.json. Compacted: the last reminder
// per user is what a restarted service reads back into the book's
// last_reminded_at, and what `e911 locations report` shows. It names the
// registration it concerned by its time, never its address, and not the
// e-mail address it went to.

#include <string>
#include <string_view>

#include "common/json_reader.h"
#include "common/result.h"
#include "common/timestamp.h"
#include "producers/locations/reminder_policy.h"

namespace e911::locations {

inline constexpr std::string_view kLocationReminderSchema = "e911.location-reminder/v1";

struct ReminderRecord {
  std::string reminder_id;  // unique per reminder ("rem-" + random hex)
  std::string user_id;
  EpochMillis sent_at = 0;  // when the relay accepted the e-mail
  ReminderReason reason = ReminderReason::stale;
  EpochMillis registered_at = 0;  // of the registration it concerned; 0 (absent): none, for missing
};

// The record of `reminder` sent at `sent_at`, with a fresh reminder id.
ReminderRecord new_reminder_record(const Reminder& reminder, EpochMillis sent_at);

std::string encode_reminder_record(const ReminderRecord& record);
// Errors name the field ("reason: ...").
Result<ReminderRecord> decode_reminder_record(std::string_view json, const JsonLimits& limits = {});

}  // namespace e911::locations
