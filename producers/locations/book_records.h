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

// An emergency call's network (a call.initiated from a user, on the
// call-events topic), noted as where the user was seen then: a call from
// another network than the registered one is as telling as a client's
// report (reminders, "network-changed"). A device on a VPN tells only its
// access point. True when noted.
bool apply_call_event(RegistrationBook& book, const kafka::Message& message);

// A sighting another replica (or this one) recorded (sighting_record.h),
// noted in the book. True when noted; false when unreadable.
bool apply_sighting_record(RegistrationBook& book, const kafka::Message& message);

// The record, noted as the user's last reminder; nullopt when it cannot be
// read (or is a tombstone).
std::optional<ReminderRecord> apply_reminder_record(RegistrationBook& book, const kafka::Message& message);

}  // namespace e911::locations
