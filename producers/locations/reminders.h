#pragma once
// Sending the reminders reminder_policy.h says are due (docs/locations.md,
// "Reminders"): for each, the recipient (the registry's directory, else
// <user id>@<email_domain>), a personal link, the e-mail through the SMTP
// client (common/mail), then the record on e911.location-reminders once
// Kafka acknowledged it, and the book's last_reminded_at.
//
// A user without an address, or whose e-mail the relay refused for good,
// is not tried again within the interval (counted, logged by user id); a
// transient failure is tried again at the next check. Logs carry user ids
// and reasons, never an address of either kind.
//
// Threads: check() runs on the reminder loop's thread, registry_reloaded()
// on the service's; they share only what the mutex guards. ReminderLoop
// runs check() every check_interval on a thread of its own.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/mail/smtp_client.h"
#include "common/result.h"
#include "producers/locations/registration_book.h"
#include "producers/locations/reminder_policy.h"
#include "producers/locations/reminder_record.h"
#include "registry/registry.h"

namespace e911::locations {

struct ReminderOptions {
  bool enabled = false;
  EpochMillis after = 0;  // 0: when the status turns stale (stale_threshold)
  EpochMillis interval = 24 * 3'600'000;
  std::chrono::milliseconds check_interval{300'000};
  std::string public_url{};  // the page, as users reach it
  std::int64_t link_days = 14;
  std::string email_domain{};  // empty: only the directory's addresses
  mail::SmtpSettings smtp{};
};

// What sending needs from the service.
struct ReminderBackend {
  RegistrationBook* book = nullptr;
  std::function<std::shared_ptr<const registry::Registry>()> registry;
  std::function<mail::SendOutcome(const mail::Email&)> send;
  // Produces the record and waits for Kafka: nullopt once acknowledged.
  std::function<std::optional<Error>(const ReminderRecord&)> record;
  // Each reminder due, by reason and outcome: sent, unrecorded (sent, but
  // Kafka did not acknowledge the record), failed (the relay), no_address.
  std::function<void(ReminderReason, std::string_view outcome)> on_outcome{};
};

class Reminders {
 public:
  // `link_secret` signs the links; `stale_after` is the status threshold
  // configured (locations.stale_after_hours; 0: the registry's).
  Reminders(ReminderOptions options, std::string link_secret, EpochMillis stale_after, ReminderBackend backend);

  // Sends what is due at `now`; returns how many e-mails the relay accepted.
  std::size_t check(EpochMillis now);
  // A registry reload at `at`: remembers whose registered place it changed.
  void registry_reloaded(const registry::Registry& before, const registry::Registry& after, EpochMillis at);

 private:
  enum class Sent { yes, no, never };  // never: not again within the interval
  Sent send_one(const Reminder& reminder, const registry::Registry& registry, EpochMillis now);

  ReminderOptions options_;
  std::string link_secret_;
  EpochMillis stale_after_;
  ReminderBackend backend_;
  std::mutex mu_;
  PlaceChanges place_changes_;
  std::map<std::string, EpochMillis, std::less<>> given_up_;  // user -> when (no address, refused for good)
};

// Runs `reminders.check(now)` every `interval` on its own thread until
// destroyed; an exception from a check is logged and the loop goes on.
class ReminderLoop {
 public:
  ReminderLoop(Reminders& reminders, std::chrono::milliseconds interval);
  ~ReminderLoop();
  ReminderLoop(const ReminderLoop&) = delete;
  ReminderLoop& operator=(const ReminderLoop&) = delete;

  // Checks completed so far.
  std::uint64_t checks() const { return checks_.load(); }

 private:
  void run();

  Reminders& reminders_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> checks_{0};
  std::thread thread_;
};

}  // namespace e911::locations
