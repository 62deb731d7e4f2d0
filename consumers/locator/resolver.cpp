#include "consumers/locator/resolver.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "common/phone_number.h"
#include "common/pidf_lo.h"

namespace e911::locator {
namespace {

void add_warning(EmergencyCall& call, std::string_view code) {
  if (std::find(call.warnings.begin(), call.warnings.end(), code) == call.warnings.end()) {
    call.warnings.push_back(code);
  }
}

// Keeps CONTRACT.md's order so output is stable whatever order rules fire in.
void order_warnings(EmergencyCall& call) {
  static constexpr std::string_view kOrder[] = {warning::kVpn,           warning::kMissingUnit,
                                                warning::kStaleLocation, warning::kUnknownNetwork,
                                                warning::kSiteMismatch,  warning::kDialPrefix,
                                                warning::kCallbackMissing, warning::kCallbackShared,
                                                warning::kElinReused};
  const auto rank = [](std::string_view code) {
    return std::find(std::begin(kOrder), std::end(kOrder), code) - std::begin(kOrder);
  };
  std::sort(call.warnings.begin(), call.warnings.end(),
            [&](std::string_view a, std::string_view b) { return rank(a) < rank(b); });
}

// Whether a PSAP could dial `callback` back: E.164 and a number
// libphonenumber knows (validate_e164). libphonenumber takes microseconds
// per number and callers call from the same few numbers, so answers are
// remembered per thread (a pure function of the text; bounded).
bool dialable_callback(const std::string& callback) {
  if (callback.empty() || callback.front() != '+') return false;
  thread_local std::unordered_map<std::string, bool> known;
  if (const auto it = known.find(callback); it != known.end()) return it->second;
  if (known.size() >= 100'000) known.clear();
  const bool ok = !validate_e164(callback);
  known.emplace(callback, ok);
  return ok;
}

bool is_shared_number(const registry::Site* site, const std::string& number) {
  return site && std::find(site->shared_numbers.begin(), site->shared_numbers.end(), number) !=
                     site->shared_numbers.end();
}

}  // namespace

bool Resolver::may_be_emergency(const CallEvent& event) const {
  return event.type == CallEventType::initiated && registry_->dial_plan().maybe_emergency(event.dialed);
}

std::optional<EmergencyCall> Resolver::resolve(const CallEvent& event, const LocationStore& locations) const {
  if (!may_be_emergency(event)) return std::nullopt;

  EmergencyCall call;
  call.event_id = event.event_id;
  call.call_id = event.call_id;
  call.dialed = event.dialed;
  call.occurred_at = event.occurred_at;
  call.caller = event.caller;
  call.device = event.device;
  call.site_id = event.site_id;
  ConveyedLocation& loc = call.location;

  const Device& d = event.device;
  NetworkLocation network = locate_on_network(d);
  const bool vpn = network.vpn;
  const bool ip_informative = d.ip && !vpn;
  if (vpn) add_warning(call, warning::kVpn);
  const registry::Place* place = network.place;

  const registry::Site* event_site = event.site_id.empty() ? nullptr : registry_->site(event.site_id);
  const registry::Site* located_site = nullptr;
  std::optional<EndpointLocation> endpoint;
  if (place) {
    const registry::Site& site = registry_->site_of(*place);
    located_site = &site;
    loc = std::move(network.location);
    call.notify = site.notify;
    if (!event.site_id.empty() && event.site_id != site.id) add_warning(call, warning::kSiteMismatch);
  } else if (const auto reg = locations.find(event.subject_id())) {
    loc.source = source::kRegistered;
    loc.method = "Manual";
    loc.address = reg->address;
    loc.registered_at = reg->occurred_at;
    loc.validated = reg->validated;
    loc.label = one_line(reg->address);
    const bool too_old = event.occurred_at - reg->occurred_at > registry_->data().stale_after;
    const bool moved = (ip_informative && reg->network_ip && !same_network(*d.ip, *reg->network_ip)) ||
                       (d.bssid && reg->network_bssid && *d.bssid != *reg->network_bssid);
    if (too_old || moved) add_warning(call, warning::kStaleLocation);
  } else {
    if (!event.pidf_lo.empty()) {
      std::string error;
      endpoint = parse_pidf_lo(event.pidf_lo, error);
    }
    if (d.geo || (endpoint && (endpoint->address || endpoint->geo))) {
      loc.source = source::kEndpoint;
      loc.method = endpoint && !endpoint->method.empty() ? endpoint->method : "GPS";
      if (endpoint && endpoint->address) loc.address = endpoint->address;
      if (endpoint && endpoint->geo) loc.geo = endpoint->geo;
      if (d.geo) loc.geo = d.geo;
      loc.label = loc.address ? one_line(*loc.address) : "Location reported by the caller's device";
    } else {
      loc.source = source::kNone;
      loc.label = "NO DISPATCHABLE LOCATION";
    }
    if (!vpn) add_warning(call, warning::kUnknownNetwork);
  }

  if (loc.address && lacks_unit(*loc.address)) add_warning(call, warning::kMissingUnit);
  loc.dispatchable = loc.address && is_dispatchable(*loc.address);
  call.routing = loc.source == source::kNone ? "ecrc" : "psap";
  if (call.notify.empty() && event_site) call.notify = event_site->notify;
  if (call.notify.empty()) call.notify = registry_->data().fallback_list;

  // The country the call is placed from decides what counts as an
  // emergency number; the telephony site's country is the next guess, then
  // the callback number's.
  if (loc.address && !loc.address->country.empty()) call.country = loc.address->country;
  else if (event_site) call.country = event_site->address.country;
  else call.country = region_of(event.caller.callback);

  const registry::DialPlan& plan = registry_->dial_plan();
  auto cls = plan.classify(event.dialed, call.country);
  if (cls.cls == registry::CallClass::none && event_site && event_site->address.country != call.country) {
    cls = plan.classify(event.dialed, event_site->address.country);
  }
  if (cls.cls == registry::CallClass::none) return std::nullopt;
  call.call_class = cls.cls == registry::CallClass::test ? "test" : "emergency";
  if (cls.via_dial_prefix) add_warning(call, warning::kDialPrefix);

  // Kari's Law and RAY BAUM's Act: a callback number that reaches this
  // caller. A number masked to the site's main line or queue reaches
  // someone else.
  const std::string& callback = event.caller.callback;
  if (!dialable_callback(callback)) {
    add_warning(call, warning::kCallbackMissing);
  } else if (is_shared_number(located_site, callback) || is_shared_number(event_site, callback)) {
    add_warning(call, warning::kCallbackShared);
  }
  order_warnings(call);

  call.pidf_lo = conveyed_pidf_lo(
      loc, "pres:" + (event.subject_id().empty() ? event.call_id : event.subject_id()) + "@e911.invalid", d.id,
      event.occurred_at);
  return call;
}

NetworkLocation Resolver::locate_on_network(const Device& d) const {
  NetworkLocation out;
  // Behind a VPN or NAT egress the IP says where the tunnel ends, not where
  // the person is; a station MAC then says where the device was provisioned.
  out.vpn = d.vpn || (d.ip && registry_->in_vpn_range(*d.ip));
  ConveyedLocation& loc = out.location;
  const registry::Place* place = nullptr;
  if (d.lldp) {
    place = registry_->by_switch_port(d.lldp->chassis_id, d.lldp->port_id);
    if (place) {
      loc.source = source::kSwitchPort;
      loc.method = "Wiremap";
    }
  }
  if (!place && d.bssid) {
    place = registry_->by_access_point(*d.bssid);
    if (place) {
      loc.source = source::kAccessPoint;
      loc.method = "802.11";
    }
  }
  if (!place && d.mac && !out.vpn) {
    place = registry_->by_station(*d.mac);
    if (place) {
      loc.source = source::kStation;
      loc.method = "Manual";
    }
  }
  if (!place && d.ip && !out.vpn) {
    place = registry_->by_subnet(*d.ip);
    if (place) {
      loc.source = source::kSubnet;
      loc.method = "DHCP";
    }
  }
  if (!place) return out;
  out.place = place;
  loc.site_id = registry_->site_of(*place).id;
  if (const registry::Zone* zone = registry_->zone_of(*place)) loc.zone_id = zone->id;
  loc.label = registry_->label_of(*place);
  loc.address = registry_->address_of(*place);
  loc.dispatchable = is_dispatchable(*loc.address);
  return out;
}

std::string conveyed_pidf_lo(const ConveyedLocation& location, std::string entity, std::string device_id,
                             EpochMillis at) {
  PidfLoInput pidf;
  pidf.entity = std::move(entity);
  pidf.device_id = std::move(device_id);
  pidf.address = location.address;
  if (location.geo) pidf.geo = PidfGeo{location.geo->lat, location.geo->lon, location.geo->accuracy_m};
  pidf.method = location.method.empty() ? "None" : location.method;
  pidf.timestamp = at;
  return render_pidf_lo(pidf);
}

}  // namespace e911::locator
