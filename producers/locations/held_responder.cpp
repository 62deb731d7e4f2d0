#include "producers/locations/held_responder.h"

#include <algorithm>
#include <variant>

#include "common/net/json_response.h"
#include "common/pidf_lo.h"
#include "common/text.h"
#include "consumers/locator/resolver.h"
#include "producers/locations/held.h"

namespace e911::locations {
namespace {

HeldAnswer refusal(HeldOutcome outcome, HeldErrorCode code, std::string message) {
  return {outcome, render_held_error({code, std::move(message)})};
}

HeldOutcome outcome_of(HeldErrorCode code) {
  switch (code) {
    case HeldErrorCode::bad_identifier: return HeldOutcome::bad_identifier;
    case HeldErrorCode::location_unknown: return HeldOutcome::location_unknown;
    case HeldErrorCode::not_locatable: return HeldOutcome::not_locatable;
    case HeldErrorCode::cannot_provide_li_type: return HeldOutcome::cannot_provide_li_type;
    case HeldErrorCode::general_lis_error:
    case HeldErrorCode::timeout: return HeldOutcome::lis_error;
    default: return HeldOutcome::bad_request;
  }
}

// What the requester named the device by, for messages and the presence
// entity: the MAC, else the IP.
std::string identifier_of(const HeldDevice& device) {
  return device.mac ? device.mac->to_string() : device.ip ? device.ip->to_string() : std::string();
}

// RFC 4479's device id for a MAC: "mac:" and its 12 hex digits.
std::string device_id_of(const HeldDevice& device) {
  if (!device.mac) return {};
  std::string hex = device.mac->to_string();
  hex.erase(std::remove(hex.begin(), hex.end(), ':'), hex.end());
  return "mac:" + hex;
}

// Whether the body is declared as a HELD document in UTF-8.
bool is_held_media_type(std::string_view content_type) {
  const auto semi = content_type.find(';');
  if (to_lower_ascii(trim(content_type.substr(0, semi))) != kHeldMediaType) return false;
  if (semi == std::string_view::npos) return true;
  const std::string params = to_lower_ascii(content_type.substr(semi));
  const auto charset = params.find("charset=");
  if (charset == std::string::npos) return true;
  std::string_view value = std::string_view(params).substr(charset + 8);
  value = trim(value.substr(0, value.find(';')));
  return value == "utf-8" || value == "\"utf-8\"";
}

}  // namespace

std::string_view held_outcome_name(HeldOutcome outcome) {
  switch (outcome) {
    case HeldOutcome::located: return "located";
    case HeldOutcome::location_unknown: return "location-unknown";
    case HeldOutcome::not_locatable: return "not-locatable";
    case HeldOutcome::cannot_provide_li_type: return "cannot-provide-li-type";
    case HeldOutcome::bad_request: return "bad-request";
    case HeldOutcome::bad_identifier: return "bad-identifier";
    case HeldOutcome::lis_error: return "lis-error";
    case HeldOutcome::refused_client: return "refused-client";
    case HeldOutcome::refused_method: return "refused-method";
    case HeldOutcome::refused_media_type: return "refused-media-type";
  }
  return "lis-error";
}

HeldAnswer answer_location_request(std::string_view body, const registry::Registry* registry, EpochMillis now) {
  auto parsed = parse_location_request(body);
  if (const auto* e = std::get_if<HeldError>(&parsed)) return {outcome_of(e->code), render_held_error(*e)};
  const auto& request = std::get<LocationRequest>(parsed);
  if (!request.device) {
    return refusal(HeldOutcome::bad_request, HeldErrorCode::request_error,
                   "name the device (RFC 6155 device: ip, mac or a sip: URI with its IP address); this LIS "
                   "answers proxies, so the request's source address is not the device's");
  }
  if (request.exact && wants(request, LocationType::location_uri)) {
    return refusal(HeldOutcome::cannot_provide_li_type, HeldErrorCode::cannot_provide_li_type,
                   "this LIS gives locations by value only, never a locationURI");
  }
  if (!registry) {
    return refusal(HeldOutcome::lis_error, HeldErrorCode::general_lis_error, "the site registry is not loaded");
  }

  const HeldDevice& device = *request.device;
  Device d;
  d.ip = device.ip;
  d.mac = device.mac;
  const locator::NetworkLocation found = locator::Resolver(*registry).locate_on_network(d);
  if (!found.place && found.vpn) {
    return refusal(HeldOutcome::not_locatable, HeldErrorCode::not_locatable,
                   device.ip->to_string() + " is in a VPN or NAT egress range: it says nothing about where the "
                                            "device is");
  }
  if (!found.place) {
    return refusal(HeldOutcome::location_unknown, HeldErrorCode::location_unknown,
                   "no switch port, station or subnet of the site registry matches " + identifier_of(device));
  }
  // Network places are civic addresses; a geodetic location cannot be given.
  if (request.exact && wants(request, LocationType::geodetic) && !found.location.geo) {
    return refusal(HeldOutcome::cannot_provide_li_type, HeldErrorCode::cannot_provide_li_type,
                   "the location of " + identifier_of(device) + " is a civic address; no geodetic location");
  }
  const std::string pidf =
      locator::conveyed_pidf_lo(found.location, presence_entity(identifier_of(device)), device_id_of(device), now);
  return {HeldOutcome::located, render_location_response(pidf)};
}

HeldResponder::HeldResponder(HeldResponderOptions options, RegistrySource registry,
                             std::function<void(HeldOutcome)> on_answer, std::function<EpochMillis()> clock)
    : options_(std::move(options)),
      registry_(std::move(registry)),
      on_answer_(std::move(on_answer)),
      clock_(std::move(clock)) {}

net::HttpResponse HeldResponder::answer(const net::HttpRequest& request) const {
  const auto refuse = [&](HeldOutcome outcome, int status, std::string_view message) {
    if (on_answer_) on_answer_(outcome);
    return net::error_response(status, message);
  };
  if (!address_in(request.client_address, options_.allowed_clients)) {
    return refuse(HeldOutcome::refused_client, 403,
                  "this HELD service answers only the proxies it is configured for (locations.held.allowed_clients)");
  }
  if (request.method != "POST") {
    auto r = refuse(HeldOutcome::refused_method, 405, "a HELD request is a POST (RFC 5985)");
    r.set("Allow", "POST");
    return r;
  }
  const auto content_type = request.header("Content-Type");
  if (!content_type || !is_held_media_type(*content_type)) {
    return refuse(HeldOutcome::refused_media_type, 415, "a HELD request is application/held+xml in UTF-8 (RFC 5985)");
  }

  const auto registry = registry_ ? registry_() : nullptr;
  HeldAnswer held = answer_location_request(request.body, registry.get(), clock_ ? clock_() : now_millis());
  if (on_answer_) on_answer_(held.outcome);
  net::HttpResponse response;
  response.status = 200;
  response.content_type = std::string(kHeldMediaType) + "; charset=utf-8";
  response.body = std::move(held.document);
  return response;
}

}  // namespace e911::locations
