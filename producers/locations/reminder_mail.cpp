#include "producers/locations/reminder_mail.h"

#include "common/email_address.h"

namespace e911::locations {
namespace {

constexpr EpochMillis kDay = 24 * 3'600'000;

// "2026-11-21": a date reads the same to everyone, whatever their locale.
std::string date_of(EpochMillis t) { return format_rfc3339(t).substr(0, 10); }

std::string ago(EpochMillis then, EpochMillis now) {
  const EpochMillis days = (now - then) / kDay;
  if (days < 1) return "today";
  return days == 1 ? "yesterday" : std::to_string(days) + " days ago";
}

struct Wording {
  const char* subject;
  std::string why;
};

Wording wording(const Reminder& r, EpochMillis now) {
  const std::string registered =
      r.registered_at > 0 ? date_of(r.registered_at) + " (" + ago(r.registered_at, now) + ")" : std::string();
  switch (r.reason) {
    case ReminderReason::missing:
      return {"Please register where you work from, for emergency calls",
              "You have not registered where you work from yet. Until you do,\n"
              "responders would not know where to come if you called for help\n"
              "from your computer or softphone."};
    case ReminderReason::zone_changed:
      return {"Your office's location details changed: please check your registration",
              "The building information for the network you registered from\n"
              "changed after you registered on " + registered + ": an office\n"
              "area was moved, renamed or removed. Please check that your\n"
              "registered location is still right."};
    case ReminderReason::network_changed:
      return {"Have you moved? Please confirm where you work from",
              "Your computer or softphone has been connecting from another\n"
              "network than the one you registered from on " + registered + ".\n"
              "If you are working somewhere else now (another office, home,\n"
              "travelling), please enter where you are."};
    case ReminderReason::stale:
      break;
  }
  return {"Please confirm where you work from, for emergency calls",
          "You registered where you work from on " + registered + ".\n"
          "Please confirm it is still right, or enter where you are now."};
}

}  // namespace

ReminderEmail render_reminder_email(const Reminder& reminder, const ReminderMailContext& context) {
  const Wording w = wording(reminder, context.now);
  const std::string number =
      context.emergency_number.empty() ? "the emergency number" : context.emergency_number;
  ReminderEmail email;
  email.subject = w.subject;
  email.text = "Hello,\n\n" + w.why +
               "\n\n"
               "Why it matters: if you dial " + number + " from your computer or\n"
               "softphone, responders are sent to the location you registered.\n"
               "A wrong or old location can send them to the wrong place.\n\n"
               "Open your registration here (it takes a minute):\n\n" +
               context.link +
               "\n\n"
               "There you can confirm your location, or enter where you are now.\n"
               "This link is personal: please do not forward it. It works until\n" +
               date_of(context.link_expires_at) +
               "; after that, open the page and sign in as usual.\n\n"
               "This message was sent automatically; replies are not read.\n";
  return email;
}

std::optional<std::string> reminder_recipient(const registry::Registry& registry, std::string_view user_id,
                                              std::string_view email_domain) {
  if (const std::string* listed = registry.directory().email_for_user(user_id)) return *listed;
  if (email_domain.empty()) return std::nullopt;
  std::string address = std::string(user_id) + "@" + std::string(email_domain);
  if (!is_valid_email(address)) return std::nullopt;
  return address;
}

}  // namespace e911::locations
