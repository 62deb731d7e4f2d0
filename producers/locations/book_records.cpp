#include "producers/locations/book_records.h"

#include <variant>

#include "common/enum_names.h"
#include "producers/locations/sighting_record.h"

namespace e911::locations {
namespace {

constexpr auto kOutcomeNames = enum_names<UpdateOutcome>({{UpdateOutcome::applied, "applied"},
                                                          {UpdateOutcome::older, "older"},
                                                          {UpdateOutcome::withdrawn, "withdrawn"},
                                                          {UpdateOutcome::unreadable, "unreadable"}});

}  // namespace

std::string_view outcome_name(UpdateOutcome outcome) { return kOutcomeNames.name(outcome, "unreadable"); }

UpdateOutcome apply_location_update(RegistrationBook& book, const kafka::Message& message) {
  if (message.tombstone) {
    if (message.key) book.remove(*message.key);
    return UpdateOutcome::withdrawn;
  }
  auto decoded = decode_input_event(message.value);
  if (!decoded || !std::holds_alternative<LocationUpdate>(*decoded)) return UpdateOutcome::unreadable;
  return book.apply(std::get<LocationUpdate>(*decoded)) ? UpdateOutcome::applied : UpdateOutcome::older;
}

bool apply_call_event(RegistrationBook& book, const kafka::Message& message) {
  if (message.tombstone) return false;
  auto decoded = decode_input_event(message.value);
  if (!decoded || !std::holds_alternative<CallEvent>(*decoded)) return false;
  const auto& call = std::get<CallEvent>(*decoded);
  if (call.type != CallEventType::initiated || call.caller.user_id.empty()) return false;
  SeenNetwork seen{.ip = call.device.vpn ? std::nullopt : call.device.ip, .bssid = call.device.bssid};
  if (!seen.ip && !seen.bssid) return false;
  book.note_seen(call.caller.user_id, seen, call.occurred_at);
  return true;
}

bool apply_sighting_record(RegistrationBook& book, const kafka::Message& message) {
  if (message.tombstone) return false;
  auto record = decode_sighting_record(message.value);
  if (!record) return false;
  book.note_seen(record->user_id, record->network, record->seen_at);
  return true;
}

std::optional<ReminderRecord> apply_reminder_record(RegistrationBook& book, const kafka::Message& message) {
  if (message.tombstone) return std::nullopt;
  auto record = decode_reminder_record(message.value);
  if (!record) return std::nullopt;
  book.note_reminded(record->user_id, record->sent_at);
  return std::move(*record);
}

}  // namespace e911::locations
