#pragma once
// The locator's per-event logic, shared by the Kafka consumer and by
// `e911 resolve`: decode and validate, drop duplicates, keep per-user
// registered locations, resolve emergency and test calls.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/emergency_call.h"
#include "common/events.h"
#include "common/json_reader.h"
#include "common/recent_ids.h"
#include "consumers/locator/location_store.h"
#include "registry/registry.h"
#include "consumers/locator/elin_pool.h"
#include "consumers/locator/resolver.h"

namespace e911::locator {

struct Outcome {
  enum class Kind {
    emergency_call,    // `call` holds the call to convey
    location_applied,  // a location update was stored
    location_ignored,  // an older location update than the one stored
    not_emergency,     // a call event that starts no notification
    duplicate,         // an event_id already handled
    rejected,          // invalid input: `reason` says why
  };
  Kind kind = Kind::not_emergency;
  std::optional<EmergencyCall> call;
  std::string reason;
  // An ELIN newly assigned to `call` (not when the call had it already):
  // what a callback to it should reach, for the assignments topic. With
  // claims (set_elin_claims) it is a claim, not yet applied.
  std::optional<ElinAssignment> elin_assigned;
};

class LocatorCore {
 public:
  // `dedup_capacity`: how many recent event ids are remembered.
  LocatorCore(std::shared_ptr<const registry::Registry> registry, std::size_t dedup_capacity = 1'000'000,
              JsonLimits limits = {}, std::chrono::milliseconds elin_window = ElinAssignments::kDefaultWindow);

  Outcome process(std::string_view payload);
  // Same, for an already-decoded event.
  Outcome process(const InputEvent& event);
  // Same, for what decode() made of a payload (an error: rejected).
  Outcome process(const Result<InputEvent>& decoded);

  // The first step of process(payload) alone: pure, and safe to call from
  // another thread while this core processes (BatchDecoder).
  Result<InputEvent> decode(std::string_view payload) const { return decode_input_event(payload, limits_); }

  // With claims on, an ELIN is chosen but not applied: the caller puts the
  // claim on the assignments topic, applies what the topic holds, and if
  // the claim lost chooses again with choose_elin (elin_pool.h, "Claims").
  // Off (the default): assigned at once, for a single assigner.
  void set_elin_claims(bool on) { elin_claims_ = on; }
  // (Re)chooses the ELIN of `out.call` from its pool as process() does:
  // sets call->elin, the elin-reused warning and elin_assigned. False when
  // the call's location has no pool.
  bool choose_elin(Outcome& out);

  // Swaps in a new registry (reload); events after this see it.
  void set_registry(std::shared_ptr<const registry::Registry> registry);
  const registry::Registry& registry() const { return *registry_; }
  LocationStore& locations() { return locations_; }
  // ELINs given to calls located in zones or sites with a pool.
  ElinAssignments& elins() { return elins_; }
  const ElinAssignments& elins() const { return elins_; }

 private:
  std::shared_ptr<const registry::Registry> registry_;
  Resolver resolver_;
  LocationStore locations_;
  ElinAssignments elins_;
  RecentIds seen_;
  JsonLimits limits_;
  bool elin_claims_ = false;
};

}  // namespace e911::locator
