#pragma once
// Location resolution (DESIGN.md "Location resolution", CONTRACT.md): turns
// a call.initiated event for an emergency or test number into the
// emergency call to convey, with its dispatchable location or a loud
// statement that there is none. Pure: no I/O, no clock.

#include <optional>

#include "common/emergency_call.h"
#include "common/events.h"
#include "consumers/locator/location_store.h"
#include "registry/registry.h"

namespace e911::locator {

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

 private:
  const registry::Registry* registry_;  // not owned; outlives the resolver
};

}  // namespace e911::locator
