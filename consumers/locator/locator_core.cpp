#include "consumers/locator/locator_core.h"

#include <variant>

namespace e911::locator {

LocatorCore::LocatorCore(std::shared_ptr<const registry::Registry> registry, std::size_t dedup_capacity, JsonLimits limits,
                         std::chrono::milliseconds elin_window)
    : registry_(std::move(registry)), resolver_(*registry_), elins_(elin_window), seen_(dedup_capacity), limits_(limits) {}

namespace {

// The ELIN pool of where the call is located: its zone's, else its
// site's; nullptr when neither has one (or it is not located at a site).
const std::vector<std::string>* elin_pool(const registry::Registry& registry, const ConveyedLocation& loc,
                                          std::string& pool_id) {
  if (loc.site_id.empty()) return nullptr;
  const registry::Site* site = registry.site(loc.site_id);
  if (!site) return nullptr;
  if (!loc.zone_id.empty()) {
    for (const auto& zone : site->zones) {
      if (zone.id == loc.zone_id && !zone.elins.empty()) {
        pool_id = site->id + "/" + zone.id;
        return &zone.elins;
      }
    }
  }
  if (site->elins.empty()) return nullptr;
  pool_id = site->id;
  return &site->elins;
}

// An outcome with no call.
Outcome only(Outcome::Kind kind, std::string reason = {}) {
  Outcome out;
  out.kind = kind;
  out.reason = std::move(reason);
  return out;
}

}  // namespace

void LocatorCore::set_registry(std::shared_ptr<const registry::Registry> registry) {
  registry_ = std::move(registry);
  resolver_ = Resolver(*registry_);
}

Outcome LocatorCore::process(std::string_view payload) { return process(decode(payload)); }

Outcome LocatorCore::process(const Result<InputEvent>& decoded) {
  if (!decoded) return only(Outcome::Kind::rejected, decoded.error().message);
  return process(*decoded);
}

Outcome LocatorCore::process(const InputEvent& event) {
  if (const auto* update = std::get_if<LocationUpdate>(&event)) {
    if (!seen_.insert(update->event_id)) return only(Outcome::Kind::duplicate);
    const bool applied = locations_.apply(*update);
    return only(applied ? Outcome::Kind::location_applied : Outcome::Kind::location_ignored);
  }
  const auto& call_event = std::get<CallEvent>(event);
  if (!seen_.insert(call_event.event_id)) return only(Outcome::Kind::duplicate);
  auto call = resolver_.resolve(call_event, locations_);
  if (!call) return only(Outcome::Kind::not_emergency);
  Outcome out = only(Outcome::Kind::emergency_call);
  out.call = std::move(call);
  std::string pool_id;
  if (const auto* pool = elin_pool(*registry_, out.call->location, pool_id)) {
    ElinAssignment who;
    who.pool = std::move(pool_id);
    who.call_id = out.call->call_id;
    who.user_id = out.call->caller.user_id;
    who.extension = out.call->caller.extension;
    who.callback = out.call->caller.callback;
    who.assigned_at = out.call->occurred_at;
    auto assigned = elins_.assign(*pool, who);
    out.call->elin = assigned.assignment.elin;
    // Last in CONTRACT.md's order, so appending keeps the order.
    if (assigned.reused) out.call->warnings.push_back(warning::kElinReused);
    if (assigned.fresh) out.elin_assigned = std::move(assigned.assignment);
  }
  return out;
}

}  // namespace e911::locator
