#include "producers/locations/user_status.h"

namespace e911::locations {

EpochMillis stale_threshold(EpochMillis configured, const registry::Registry& registry) {
  return configured > 0 ? configured : registry.data().stale_after;
}

SeenNetwork seen_since_registration(const UserRecord& user) {
  if (!user.registration || user.last_seen_at < user.registration->occurred_at) return {};
  return user.last_seen;
}

StatusReport status_in(const registry::Registry& registry, const LocationUpdate* registration, const SeenNetwork& seen,
                       EpochMillis now, EpochMillis stale_after) {
  const bool ip_informative = !(seen.ip && registry.in_vpn_range(*seen.ip));
  return registration_status(registration, now, stale_after, seen, ip_informative);
}

std::string registered_site(const registry::Registry& registry, const LocationUpdate& registration) {
  if (!registration.network_ip) return {};
  if (const registry::Place* place = registry.by_subnet(*registration.network_ip)) return registry.site_of(*place).id;
  return {};
}

StatusReport user_status(const UserRecord& user, const registry::Registry& registry, EpochMillis now,
                         EpochMillis stale_after) {
  const LocationUpdate* registration = user.registration ? &*user.registration : nullptr;
  return status_in(registry, registration, seen_since_registration(user), now, stale_after);
}

}  // namespace e911::locations
