#pragma once
// Where a user's registered location stands, as the location service tells
// the user, their softphone and the admins (docs/locations.md, "Status"):
// the same rules the locator applies when a call arrives, so a softphone
// that refuses to go available until the status is `confirmed` refuses
// exactly when a call would carry a warning.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/events.h"
#include "common/ip_address.h"
#include "common/mac_address.h"
#include "common/timestamp.h"

namespace e911::locations {

enum class RegistrationStatus {
  confirmed,         // dispatchable, recent, from the network the user is on
  stale,             // older than the deployment allows
  network_changed,   // the user is on another network than they registered from
  missing,           // nothing registered
  not_dispatchable,  // registered, but responders could not be sent there
};

// "confirmed", "stale", "network-changed", "missing", "not-dispatchable".
std::string_view status_name(RegistrationStatus status);
std::optional<RegistrationStatus> status_from_name(std::string_view name);

// What the client sees now (the page, a softphone): either may be unknown.
struct SeenNetwork {
  std::optional<IpAddress> ip{};
  std::optional<MacAddress> bssid{};
};

struct StatusReport {
  RegistrationStatus status = RegistrationStatus::missing;
  // Plain sentences, the most important first ("Your registered location
  // is 20 days old; confirm it or enter where you are now.").
  std::vector<std::string> reasons;
};

// The status of `registration` (nullptr: none) at `now`. In order: missing,
// not-dispatchable (the address fails is_dispatchable), stale (older than
// `stale_after`), network-changed (the seen IP outside the registered one's
// /24 or /64, or another BSSID), confirmed. An IP that says nothing about
// where the user is (`ip_informative` false: a VPN range) is not compared.
StatusReport registration_status(const LocationUpdate* registration, EpochMillis now, EpochMillis stale_after,
                                 const SeenNetwork& seen, bool ip_informative = true);

}  // namespace e911::locations
