#pragma once
// Location resolution (DESIGN.md "Location resolution", CONTRACT.md): turns
// a call.initiated event for an emergency or test number into the
// emergency call to convey, with its dispatchable location or a loud
// statement that there is none. Pure: no I/O, no clock.

#include <optional>
#include <string>

#include "common/emergency_call.h"
#include "common/events.h"
#include "consumers/locator/location_store.h"
#include "registry/registry.h"

namespace e911::locator {

// Where a device is by what the network says of it alone (DESIGN.md
// "Location resolution", sources 1-4), as resolve() finds it first.
struct NetworkLocation {
  // The first of the device's switch port, access point, station MAC
  // (not behind a VPN) and IP subnet (not a VPN address) the registry
  // knows, in that order; nullptr when none is known.
  const registry::Place* place = nullptr;
  // With a place: source, method, site, zone, label, address and whether
  // it is dispatchable. Without: source "none" and nothing else.
  ConveyedLocation location;
  // The IP says nothing about where the person is: the device said so, or
  // the IP is in one of the registry's VPN or NAT egress ranges.
  bool vpn = false;
};

class Resolver {
 public:
  explicit Resolver(const registry::Registry& registry) : registry_(&registry) {}

  // Cheap test used to drop non-emergency traffic early: false means the
  // event can never produce an emergency call.
  bool may_be_emergency(const CallEvent& event) const;

  // nullopt for events that do not start an emergency notification:
  // call.answered/ended, and numbers that are not emergency or test numbers
  // in the caller's country.
  std::optional<EmergencyCall> resolve(const CallEvent& event, const LocationStore& locations) const;

  // The network part of resolve(), for whoever asks where a device is
  // (the location service's HELD answers): the same lookups in the same
  // order, no registered or conveyed location.
  NetworkLocation locate_on_network(const Device& device) const;

 private:
  const registry::Registry* registry_;  // not owned; outlives the resolver
};

// The PIDF-LO conveyed with `location` (common/pidf_lo.h): presence
// `entity`, the device id (empty: a tuple instead of a dm:device), the
// address and position, the method ("None" when there is none) and `at`.
std::string conveyed_pidf_lo(const ConveyedLocation& location, std::string entity, std::string device_id,
                             EpochMillis at);

}  // namespace e911::locator
