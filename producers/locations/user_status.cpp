#include "producers/locations/user_status.h"

#include <map>

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

std::string dialing_country(const registry::Registry& registry, const LocationUpdate* registration,
                            const SeenNetwork& seen) {
  if (registration && !registration->address.country.empty()) return registration->address.country;
  const registry::Place* place = seen.bssid ? registry.by_access_point(*seen.bssid) : nullptr;
  if (!place && seen.ip && !registry.in_vpn_range(*seen.ip)) place = registry.by_subnet(*seen.ip);
  if (place) return registry.site_of(*place).address.country;
  std::map<std::string, std::size_t> sites_per_country;
  for (const auto& site : registry.data().sites) ++sites_per_country[site.address.country];
  std::string most;
  std::size_t count = 0;
  for (const auto& [country, n] : sites_per_country) {
    if (n > count) most = country, count = n;
  }
  return most;
}

StatusReport user_status(const UserRecord& user, const registry::Registry& registry, EpochMillis now,
                         EpochMillis stale_after) {
  const LocationUpdate* registration = user.registration ? &*user.registration : nullptr;
  return status_in(registry, registration, seen_since_registration(user), now, stale_after);
}

}  // namespace e911::locations
