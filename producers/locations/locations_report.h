#pragma once
// What `e911 locations report` lists (docs/locations.md, "Reminders"):
// every user whose registration is not confirmed, since when, the site they
// registered from, and when they were last reminded and why. Built from a
// book the location-updates and location-reminders topics were applied to
// (book_records.h): no client reports its network to the report, so
// `network-changed` never shows there (the admin listing of the running
// service has it).
//
// Pure.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "producers/locations/registration_book.h"
#include "producers/locations/registration_status.h"
#include "producers/locations/reminder_record.h"
#include "registry/registry.h"

namespace e911::locations {

struct ReportRow {
  std::string user_id;
  RegistrationStatus status = RegistrationStatus::missing;
  EpochMillis registered_at = 0;  // 0: nothing registered
  // When the status began: stale, the registration's time plus the
  // threshold; not-dispatchable, the registration's time; 0: not known
  // (missing).
  EpochMillis since = 0;
  std::string site_id{};  // the site whose network they registered from; empty: none
  std::optional<ReminderRecord> last_reminder{};
};

// User id -> the last reminder record read for them.
using LastReminders = std::map<std::string, ReminderRecord, std::less<>>;

// The users not confirmed at `now`, in user order.
std::vector<ReportRow> report_rows(const std::vector<UserRecord>& users, const LastReminders& reminders,
                                   const registry::Registry& registry, EpochMillis now, EpochMillis stale_after);

// {"generated_at": ..., "users": [{"user_id", "status", "since", "registered_at", "site_id",
// "last_reminded_at", "last_reminder_reason"}]}, times RFC 3339, null when unknown.
std::string report_json(const std::vector<ReportRow>& rows, EpochMillis now);
// The same columns with a header row, CRLF line ends (RFC 4180).
std::string report_csv(const std::vector<ReportRow>& rows);
// Aligned columns for a terminal, and a count.
std::string report_text(const std::vector<ReportRow>& rows);

}  // namespace e911::locations
