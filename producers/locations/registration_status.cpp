#include "producers/locations/registration_status.h"

#include "common/civic_address.h"

namespace e911::locations {

std::string_view status_name(RegistrationStatus status) {
  switch (status) {
    case RegistrationStatus::confirmed: return "confirmed";
    case RegistrationStatus::stale: return "stale";
    case RegistrationStatus::network_changed: return "network-changed";
    case RegistrationStatus::missing: return "missing";
    case RegistrationStatus::not_dispatchable: return "not-dispatchable";
  }
  return "missing";
}

std::optional<RegistrationStatus> status_from_name(std::string_view name) {
  for (const auto s : {RegistrationStatus::confirmed, RegistrationStatus::stale, RegistrationStatus::network_changed,
                       RegistrationStatus::missing, RegistrationStatus::not_dispatchable}) {
    if (status_name(s) == name) return s;
  }
  return std::nullopt;
}

namespace {

std::string age_in_words(EpochMillis age) {
  constexpr EpochMillis kHour = 3'600'000, kDay = 24 * kHour;
  if (age >= 2 * kDay) return std::to_string(age / kDay) + " days";
  if (age >= 2 * kHour) return std::to_string(age / kHour) + " hours";
  return std::to_string(age / 60'000) + " minutes";
}

}  // namespace

StatusReport registration_status(const LocationUpdate* registration, EpochMillis now, EpochMillis stale_after,
                                 const SeenNetwork& seen, bool ip_informative) {
  StatusReport report;
  if (!registration) {
    report.status = RegistrationStatus::missing;
    report.reasons.push_back("No location is registered: enter where you are working from.");
    return report;
  }
  const CivicAddress& a = registration->address;
  if (!is_dispatchable(a)) {
    report.status = RegistrationStatus::not_dispatchable;
    if (lacks_unit(a)) {
      report.reasons.push_back("The address is in a building with several dwellings or offices but has no unit "
                               "(or floor and room): responders would not know which door.");
    } else {
      report.reasons.push_back("The address lacks a street (or place name) and a city or postal code: "
                               "responders could not be sent there.");
    }
    return report;
  }
  const EpochMillis age = now - registration->occurred_at;
  if (age > stale_after) {
    report.status = RegistrationStatus::stale;
    report.reasons.push_back("Your registered location is " + age_in_words(age) +
                             " old: confirm it, or enter where you are now.");
    return report;
  }
  const bool ip_moved = ip_informative && seen.ip && registration->network_ip &&
                        !same_network(*seen.ip, *registration->network_ip);
  const bool bssid_moved = seen.bssid && registration->network_bssid && *seen.bssid != *registration->network_bssid;
  if (ip_moved || bssid_moved) {
    report.status = RegistrationStatus::network_changed;
    report.reasons.push_back("You are on another network than the one you registered from: if you have moved, "
                             "enter where you are now.");
    return report;
  }
  report.status = RegistrationStatus::confirmed;
  return report;
}

}  // namespace e911::locations
