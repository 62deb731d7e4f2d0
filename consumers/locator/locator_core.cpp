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
  choose_elin(out);
  return out;
}

bool LocatorCore::choose_elin(Outcome& out) {
  auto& call = *out.call;
  std::string pool_id;
  const auto* pool = elin_pool(*registry_, call.location, pool_id);
  if (!pool) return false;
  ElinAssignment who;
  who.pool = std::move(pool_id);
  who.call_id = call.call_id;
  who.user_id = call.caller.user_id;
  who.extension = call.caller.extension;
  who.callback = call.caller.callback;
  who.assigned_at = call.occurred_at;
  auto assigned = elin_claims_ ? elins_.choose(*pool, who) : elins_.assign(*pool, who);
  call.elin = assigned.assignment.elin;
  // Last in CONTRACT.md's order, so appending keeps the order (a choice
  // made again drops the first one's).
  std::erase(call.warnings, warning::kElinReused);
  if (assigned.reused) call.warnings.push_back(warning::kElinReused);
  out.elin_assigned.reset();
  if (assigned.fresh) out.elin_assigned = std::move(assigned.assignment);
  return true;
}

}  // namespace e911::locator
