#include "producers/locations/reminders.h"

#include "common/timestamp.h"
#include "producers/locations/locations_log.h"
#include "producers/locations/personal_link.h"
#include "producers/locations/reminder_mail.h"
#include "producers/locations/user_status.h"

namespace e911::locations {

Reminders::Reminders(ReminderOptions options, std::string link_secret, EpochMillis stale_after,
                     ReminderBackend backend)
    : options_(std::move(options)),
      link_secret_(std::move(link_secret)),
      stale_after_(stale_after),
      backend_(std::move(backend)) {}

void Reminders::registry_reloaded(const registry::Registry& before, const registry::Registry& after, EpochMillis at) {
  const auto changed = users_whose_place_changed(backend_.book->snapshot(), before, after);
  if (changed.empty()) return;
  {
    std::lock_guard lock(mu_);
    for (const auto& user : changed) place_changes_[user] = at;
  }
  logger().info("registry reload changed registered places", {{"users", changed.size()}});
}

std::size_t Reminders::check(EpochMillis now) {
  const auto registry = backend_.registry();
  auto users = backend_.book->snapshot();
  PlaceChanges place_changes;
  {
    std::lock_guard lock(mu_);
    for (auto& user : users) {
      // A registration since the change settles it.
      if (const auto it = place_changes_.find(user.user_id);
          it != place_changes_.end() && (!user.registration || user.registration->occurred_at > it->second)) {
        place_changes_.erase(it);
      }
      // Given up on: counts as reminded, for the interval.
      if (const auto it = given_up_.find(user.user_id); it != given_up_.end()) {
        user.last_reminded_at = std::max(user.last_reminded_at, it->second);
      }
    }
    place_changes = place_changes_;
  }
  const EpochMillis after = options_.after > 0 ? options_.after : stale_after_;
  const ReminderSettings settings{.after = stale_threshold(after, *registry), .interval = options_.interval};
  std::size_t sent = 0;
  for (const auto& reminder : reminders_due(users, *registry, place_changes, now, settings)) {
    const Sent result = send_one(reminder, *registry, now);
    sent += result == Sent::yes;
    std::lock_guard lock(mu_);
    if (result == Sent::never) given_up_[reminder.user_id] = now;
    if (result == Sent::yes && reminder.reason == ReminderReason::zone_changed) place_changes_.erase(reminder.user_id);
  }
  return sent;
}

Reminders::Sent Reminders::send_one(const Reminder& reminder, const registry::Registry& registry, EpochMillis now) {
  const auto count = [&](std::string_view outcome) {
    if (backend_.on_outcome) backend_.on_outcome(reminder.reason, outcome);
  };
  const std::string reason(reason_name(reminder.reason));
  const auto to = reminder_recipient(registry, reminder.user_id, options_.email_domain);
  if (!to) {
    count("no_address");
    logger().warn("no e-mail address for a reminder: the user is skipped (list them in the registry's "
                  "directory, or set locations.reminders.email_domain)",
                  {{"user_id", reminder.user_id}, {"reason", reason}});
    return Sent::never;
  }
  const auto registration = backend_.book->registration(reminder.user_id);
  const std::int64_t expires_s = now / 1000 + options_.link_days * 86'400;
  const ReminderEmail text = render_reminder_email(
      reminder, {.link = personal_link_url(options_.public_url,
                                           sign_personal_link(link_secret_, reminder.user_id, expires_s)),
                 .link_expires_at = expires_s * 1000,
                 .emergency_number = registration ? registry.emergency_number(registration->address.country) : "",
                 .now = now});
  ReminderRecord record = new_reminder_record(reminder, now);
  const mail::SendOutcome outcome = backend_.send(mail::Email{.id = record.reminder_id,
                                                              .to = *to,
                                                              .to_name = {},
                                                              .subject = text.subject,
                                                              .text = text.text,
                                                              .html = {},
                                                              .headers = {{"X-E911-Reminder-Id", record.reminder_id}}});
  if (!outcome.accepted()) {
    count("failed");
    const bool permanent = outcome.kind == mail::SendOutcome::Kind::permanent;
    logger().warn(permanent ? "reminder refused by the relay; not tried again within the interval"
                            : "reminder not sent; tried again at the next check",
                  {{"user_id", reminder.user_id}, {"reason", reason}, {"error", outcome.error}});
    return permanent ? Sent::never : Sent::no;
  }
  backend_.book->note_reminded(reminder.user_id, record.sent_at);
  if (const auto failed = backend_.record(record)) {
    // Sent all the same: only a restart before the next record could remind them early.
    count("unrecorded");
    logger().error("reminder sent but not recorded on the reminders topic",
                   {{"user_id", reminder.user_id}, {"reminder_id", record.reminder_id}, {"error", failed->message}});
    return Sent::yes;
  }
  count("sent");
  logger().info("reminder sent", {{"user_id", reminder.user_id}, {"reason", reason},
                                  {"reminder_id", record.reminder_id}, {"queue_id", outcome.queue_id}});
  return Sent::yes;
}

ReminderLoop::ReminderLoop(Reminders& reminders, std::chrono::milliseconds interval)
    : reminders_(reminders), interval_(interval), thread_([this] { run(); }) {}

ReminderLoop::~ReminderLoop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ReminderLoop::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    try {
      reminders_.check(now_millis());
    } catch (const std::exception& e) {
      logger().error("reminder check failed", {{"error", e.what()}});
    }
    checks_.fetch_add(1);
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace e911::locations
