#pragma once
// Who is reminded to keep their registered location current, and why
// (docs/locations.md, "Reminders"; RAY BAUM's Act: the registered location
// kept current). Pure: the service hands in the registration book's
// snapshot, the registry in force and the time, and sends what comes back.
//
// A user is reminded, at most once per `interval`, for the first of:
//   missing          no registration, but they asked for their status (the
//                    page, a softphone's check), so they use the system
//   zone-changed     a registry reload changed the place the registration's
//                    network maps to (site or zone moved or removed, or its
//                    address changed) after they registered
//   stale            the registration is older than `after`
//   network-changed  their client reported, after registering, another
//                    network than the one they registered from
// The last two are registration_status()'s rules (user_status.h), with
// `after` as the threshold: one rule, whoever asks.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/timestamp.h"
#include "producers/locations/registration_book.h"
#include "registry/registry.h"

namespace e911::locations {

enum class ReminderReason { missing, zone_changed, stale, network_changed };

// "missing", "zone-changed", "stale", "network-changed".
std::string_view reason_name(ReminderReason reason);
std::optional<ReminderReason> reason_from_name(std::string_view name);

struct ReminderSettings {
  EpochMillis after = 0;     // a registration older than this is stale (> 0)
  EpochMillis interval = 0;  // at most one reminder per user per this
};

// User id -> when a registry reload changed the place their registration
// maps to (users_whose_place_changed). Kept by the service until the user
// is reminded or registers again.
using PlaceChanges = std::map<std::string, EpochMillis, std::less<>>;

struct Reminder {
  std::string user_id;
  ReminderReason reason = ReminderReason::stale;
  EpochMillis registered_at = 0;  // of the registration it concerns; 0: none (missing)
};

// The users whose registration's network IP maps, in `after`, to another
// place than in `before` (another site, zone or room, or none: the site or
// zone was moved or removed), or to the same place with another address.
// A registration from a network no site lists (home, a café) concerns no
// place and is never included. In user order.
std::vector<std::string> users_whose_place_changed(const std::vector<UserRecord>& users,
                                                   const registry::Registry& before, const registry::Registry& after);

// The reminders due at `now`, in user order: one per user at most, none
// for a user reminded less than `settings.interval` ago
// (UserRecord::last_reminded_at).
std::vector<Reminder> reminders_due(const std::vector<UserRecord>& users, const registry::Registry& registry,
                                    const PlaceChanges& place_changes, EpochMillis now,
                                    const ReminderSettings& settings);

}  // namespace e911::locations
