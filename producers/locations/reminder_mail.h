#pragma once
// The reminder e-mail (docs/locations.md, "Reminders"): in plain words,
// why the user is reminded, their personal link and what to do there. It
// never holds the registered address (an e-mail is read on shared screens
// and kept in mailboxes nobody controls): the link opens it.
//
// Pure.

#include <optional>
#include <string>
#include <string_view>

#include "common/timestamp.h"
#include "producers/locations/reminder_policy.h"
#include "registry/registry.h"

namespace e911::locations {

struct ReminderEmail {
  std::string subject{};  // one line
  std::string text{};     // text/plain, lines under 78 characters but the link's
};

struct ReminderMailContext {
  std::string link{};             // personal_link_url(...)
  EpochMillis link_expires_at = 0;
  std::string emergency_number{}; // what the user dials: "911"; empty: "the emergency number"
  EpochMillis now = 0;
};

ReminderEmail render_reminder_email(const Reminder& reminder, const ReminderMailContext& context);

// Where a user's reminder goes: the e-mail the registry's directory lists
// for them, else "<user id>@<email_domain>" when a domain is set and that
// is a valid address; nullopt when neither (the user is skipped).
std::optional<std::string> reminder_recipient(const registry::Registry& registry, std::string_view user_id,
                                              std::string_view email_domain);

}  // namespace e911::locations
