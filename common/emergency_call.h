#pragma once
// The locator's output (topic e911.emergency-calls, `e911 resolve` lines):
// an emergency or test call with the location conveyed for it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civic_address.h"
#include "common/events.h"
#include "common/timestamp.h"

namespace e911 {

inline constexpr std::string_view kEmergencyCallSchema = "e911.emergency-call/v1";

// location.source values, most precise first (DESIGN.md "Location resolution").
namespace source {
inline constexpr std::string_view kSwitchPort = "switch-port";
inline constexpr std::string_view kAccessPoint = "access-point";
inline constexpr std::string_view kStation = "station";
inline constexpr std::string_view kSubnet = "subnet";
inline constexpr std::string_view kRegistered = "registered";
inline constexpr std::string_view kEndpoint = "endpoint";
inline constexpr std::string_view kNone = "none";
}  // namespace source

// Warning codes, in the order CONTRACT.md lists them (and the order emitted).
namespace warning {
inline constexpr std::string_view kVpn = "vpn";
inline constexpr std::string_view kMissingUnit = "missing-unit";
inline constexpr std::string_view kStaleLocation = "stale-location";
inline constexpr std::string_view kUnknownNetwork = "unknown-network";
inline constexpr std::string_view kSiteMismatch = "site-mismatch";
inline constexpr std::string_view kDialPrefix = "dial-prefix";
// No callback number, or one that cannot be dialled back (not E.164).
inline constexpr std::string_view kCallbackMissing = "callback-missing";
// The callback is one of the site's shared_numbers (main line, queue):
// the PSAP's callback would not reach the caller.
inline constexpr std::string_view kCallbackShared = "callback-shared";
// Every ELIN of the pool was assigned within the window: the oldest
// assignment was reused, so a callback to it may reach the earlier caller.
inline constexpr std::string_view kElinReused = "elin-reused";
}  // namespace warning

// What the alerts and the audit record say of a registered location's
// `validated` (GSM-7 text: it goes into SMS alerts unchanged).
inline constexpr std::string_view kRegisteredValidated =
    "address registered by the user, validated by an address provider";
inline constexpr std::string_view kRegisteredNotValidated = "address registered by the user, NOT validated";
constexpr std::string_view registered_address_check(bool validated) {
  return validated ? kRegisteredValidated : kRegisteredNotValidated;
}

struct ConveyedLocation {
  std::string source{source::kNone};
  bool dispatchable = false;
  std::string site_id;
  std::string zone_id;
  std::string label;
  std::string method;  // PIDF-LO method token: Wiremap, 802.11, DHCP, Manual, GPS...
  std::optional<CivicAddress> address;
  std::optional<GeoPoint> geo;
  std::optional<EpochMillis> registered_at;
  // source registered only: whether the address validation provider
  // confirmed the address (the location update's `validated`); absent
  // ("location.validated" left out) for every other source.
  std::optional<bool> validated;
};

struct EmergencyCall {
  std::string event_id;
  std::string call_id;
  std::string call_class;  // "emergency" or "test"
  std::string dialed;
  EpochMillis occurred_at = 0;
  std::string country;  // ISO 3166-1 alpha-2; empty when unknown (JSON null)
  Caller caller;
  Device device;
  std::string site_id;  // the site the telephony layer said (event's site_id)
  ConveyedLocation location;
  std::string routing;  // "psap" or "ecrc"
  std::vector<std::string_view> warnings;
  std::string notify;  // notification list id; empty = none (JSON null)
  std::string elin;    // E.164 ELIN assigned from the zone's or site's pool; empty = none (no "elin")
  std::string pidf_lo;
  std::optional<EpochMillis> resolved_at;
};

std::string encode_emergency_call(const EmergencyCall& call);

}  // namespace e911
