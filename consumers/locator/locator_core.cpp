#include "consumers/locator/locator_core.h"

#include <variant>

namespace e911::locator {

LocatorCore::LocatorCore(std::shared_ptr<const registry::Registry> registry, std::size_t dedup_capacity, JsonLimits limits)
    : registry_(std::move(registry)), resolver_(*registry_), seen_(dedup_capacity), limits_(limits) {}

void LocatorCore::set_registry(std::shared_ptr<const registry::Registry> registry) {
  registry_ = std::move(registry);
  resolver_ = Resolver(*registry_);
}

Outcome LocatorCore::process(std::string_view payload) { return process(decode(payload)); }

Outcome LocatorCore::process(const Result<InputEvent>& decoded) {
  if (!decoded) return Outcome{Outcome::Kind::rejected, std::nullopt, decoded.error().message};
  return process(*decoded);
}

Outcome LocatorCore::process(const InputEvent& event) {
  if (const auto* update = std::get_if<LocationUpdate>(&event)) {
    if (!seen_.insert(update->event_id)) return Outcome{Outcome::Kind::duplicate, std::nullopt, {}};
    const bool applied = locations_.apply(*update);
    return Outcome{applied ? Outcome::Kind::location_applied : Outcome::Kind::location_ignored, std::nullopt, {}};
  }
  const auto& call_event = std::get<CallEvent>(event);
  if (!seen_.insert(call_event.event_id)) return Outcome{Outcome::Kind::duplicate, std::nullopt, {}};
  auto call = resolver_.resolve(call_event, locations_);
  if (!call) return Outcome{Outcome::Kind::not_emergency, std::nullopt, {}};
  return Outcome{Outcome::Kind::emergency_call, std::move(call), {}};
}

}  // namespace e911::locator
