#pragma once
// Kafka records into the registration book: a message of
// e911.location-updates (a registration, or a tombstone withdrawing one)
// and of e911.location-reminders (a reminder sent: the user's
// last_reminded_at). The service applies both topics at start and as they
// arrive; `e911 locations report` applies them read to their end. What
// cannot be read is skipped (the locator dead-letters bad location
// updates; here they are only counted).
//
// Pure apart from the book.

#include <optional>
#include <string_view>

#include "common/kafka/message.h"
#include "producers/locations/registration_book.h"
#include "producers/locations/reminder_record.h"

namespace e911::locations {

enum class UpdateOutcome { applied, older, withdrawn, unreadable };

// "applied", "older", "withdrawn", "unreadable".
std::string_view outcome_name(UpdateOutcome outcome);

UpdateOutcome apply_location_update(RegistrationBook& book, const kafka::Message& message);

// The record, noted as the user's last reminder; nullopt when it cannot be
// read (or is a tombstone).
std::optional<ReminderRecord> apply_reminder_record(RegistrationBook& book, const kafka::Message& message);

}  // namespace e911::locations
