#include "producers/locations/reminder_policy.h"

#include "common/enum_names.h"
#include "producers/locations/user_status.h"

namespace e911::locations {
namespace {

constexpr auto kReasonNames = enum_names<ReminderReason>({{ReminderReason::missing, "missing"},
                                                          {ReminderReason::zone_changed, "zone-changed"},
                                                          {ReminderReason::stale, "stale"},
                                                          {ReminderReason::network_changed, "network-changed"}});

// What a place is across two registries: the ids (indexes differ between
// builds) and the address responders would be sent to.
struct PlaceView {
  std::string site;
  std::string zone;
  std::string room;
  CivicAddress address;
  friend bool operator==(const PlaceView&, const PlaceView&) = default;
};

std::optional<PlaceView> place_of(const registry::Registry& registry, const IpAddress& ip) {
  const registry::Place* place = registry.by_subnet(ip);
  if (!place) return std::nullopt;
  const registry::Zone* zone = registry.zone_of(*place);
  return PlaceView{registry.site_of(*place).id, zone ? zone->id : std::string(), place->room,
                   registry.address_of(*place)};
}

}  // namespace

std::string_view reason_name(ReminderReason reason) { return kReasonNames.name(reason, "stale"); }

std::optional<ReminderReason> reason_from_name(std::string_view name) { return kReasonNames.value(name); }

std::vector<std::string> users_whose_place_changed(const std::vector<UserRecord>& users,
                                                   const registry::Registry& before, const registry::Registry& after) {
  std::vector<std::string> out;
  for (const auto& user : users) {
    if (!user.registration || !user.registration->network_ip) continue;
    const auto was = place_of(before, *user.registration->network_ip);
    if (!was) continue;  // registered against no place
    if (place_of(after, *user.registration->network_ip) != was) out.push_back(user.user_id);
  }
  return out;
}

std::vector<Reminder> reminders_due(const std::vector<UserRecord>& users, const registry::Registry& registry,
                                    const PlaceChanges& place_changes, EpochMillis now,
                                    const ReminderSettings& settings) {
  std::vector<Reminder> out;
  for (const auto& user : users) {
    if (user.last_reminded_at > 0 && now - user.last_reminded_at < settings.interval) continue;
    if (!user.registration) {
      if (user.asked_at > 0) out.push_back({user.user_id, ReminderReason::missing, 0});
      continue;
    }
    const EpochMillis registered_at = user.registration->occurred_at;
    if (const auto it = place_changes.find(user.user_id); it != place_changes.end() && it->second >= registered_at) {
      out.push_back({user.user_id, ReminderReason::zone_changed, registered_at});
      continue;
    }
    switch (user_status(user, registry, now, settings.after).status) {
      case RegistrationStatus::stale: out.push_back({user.user_id, ReminderReason::stale, registered_at}); break;
      case RegistrationStatus::network_changed:
        out.push_back({user.user_id, ReminderReason::network_changed, registered_at});
        break;
      default: break;
    }
  }
  return out;
}

}  // namespace e911::locations
