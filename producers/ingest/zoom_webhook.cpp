#include "producers/ingest/zoom_webhook.h"

#include <charconv>
#include <cstdlib>

#include "common/civic_address.h"
#include "common/events.h"
#include "common/json_reader.h"
#include "common/json_writer.h"
#include "common/pidf_lo.h"
#include "common/sha256.h"
#include "common/text.h"
#include "producers/ingest/platform_event.h"

namespace e911::ingest {
namespace {

// The first string of an array member, "" when absent or empty.
std::string first_string(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsArray() || it->value.Empty() || !it->value[0].IsString()) return {};
  return it->value[0].GetString();
}

// "37.3349,-121.8881" (Zoom's GPS strings), else nullopt.
std::optional<GeoPoint> parse_lat_lon(std::string_view text) {
  const auto comma = text.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  const std::string lat_text(trim(text.substr(0, comma))), lon_text(trim(text.substr(comma + 1)));
  char* end = nullptr;
  const double lat = std::strtod(lat_text.c_str(), &end);
  if (end == lat_text.c_str() || *end != '\0') return std::nullopt;
  const double lon = std::strtod(lon_text.c_str(), &end);
  if (end == lon_text.c_str() || *end != '\0') return std::nullopt;
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return std::nullopt;
  return GeoPoint{lat, lon, std::nullopt};
}

}  // namespace

std::optional<std::string> zoom_signature_error(std::string_view secret, std::string_view timestamp,
                                                std::string_view signature, std::string_view body, EpochMillis now) {
  if (timestamp.empty() || signature.empty()) return "x-zm-signature and x-zm-request-timestamp are required";
  std::int64_t seconds = 0;
  const auto [p, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
  if (ec != std::errc{} || p != timestamp.data() + timestamp.size()) return "x-zm-request-timestamp: not a number";
  // Zoom sends seconds; milliseconds are accepted too. A time before 1970
  // is nobody's request (and far below it, seconds * 1000 would overflow).
  const std::int64_t ms = seconds <= 0 ? 0 : seconds > 100'000'000'000 ? seconds : seconds * 1000;
  if (std::llabs(now - ms) > kZoomTimestampToleranceMs)
    return "x-zm-request-timestamp: more than five minutes from now (a replay?)";
  const std::string expected =
      "v0=" + hmac_sha256_hex(secret, "v0:" + std::string(timestamp) + ":" + std::string(body));
  if (!constant_time_equal(expected, signature)) return "x-zm-signature does not match the body";
  return std::nullopt;
}

Result<ZoomOutcome> handle_zoom_event(std::string_view body, std::string_view secret) {
  rapidjson::Document doc;
  const JsonLimits limits;
  if (auto err = parse_json(body, limits, doc)) return *err;
  FieldReader root(doc, "", limits);
  std::string event;
  root.required_string("event", event);
  const auto* payload = root.required_object("payload");
  if (!root.ok()) return *root.error();
  ZoomOutcome out;
  if (event == "endpoint.url_validation") {
    FieldReader pr(*payload, "payload", limits);
    std::string plain;
    pr.required_string("plainToken", plain);
    if (!pr.ok()) return *pr.error();
    rapidjson::StringBuffer buffer;
    json::Writer w(buffer);
    w.StartObject();
    json::put(w, "plainToken", plain);
    json::put(w, "encryptedToken", hmac_sha256_hex(secret, plain));
    w.EndObject();
    out.kind = ZoomOutcome::Kind::validation;
    out.response.assign(buffer.GetString(), buffer.GetSize());
    return out;
  }
  if (event != "phone.emergency_alert") {
    out.reason = "Zoom event " + quote_for_message(event, 60) + " is not an emergency alert";
    return out;
  }
  FieldReader pr(*payload, "payload", limits);
  std::string account_id;
  pr.optional_string("account_id", account_id);
  const auto* object = pr.required_object("object");
  if (!pr.ok()) return *pr.error();
  FieldReader obj(*object, "payload.object", limits);
  std::string call_id, ringing_start, router, deliver_to;
  obj.required_string("call_id", call_id);
  obj.optional_string("ringing_start_time", ringing_start);
  obj.optional_string("router", router);
  obj.optional_string("deliver_to", deliver_to);
  const auto* callee = obj.required_object("callee");
  const auto* caller = obj.required_object("caller");
  if (!obj.ok()) return *obj.error();

  CallEvent e;
  e.event_id = "zoom-" + call_id + "-alert";
  e.call_id = "zoom-" + call_id;
  e.type = CallEventType::initiated;
  {
    FieldReader r(*callee, "payload.object.callee", limits);
    r.required_string("phone_number", e.dialed);
    if (!r.ok()) return *r.error();
  }
  std::string site_id, site_name;
  {
    FieldReader r(*caller, "payload.object.caller", limits);
    r.required_string("id", e.caller.user_id);
    r.optional_string("display_name", e.caller.name);
    r.optional_string("extension_number", e.caller.extension);
    r.optional_string("phone_number", e.caller.callback);
    r.optional_string("site_id", site_id);
    r.optional_string("site_name", site_name);
    if (!r.ok()) return *r.error();
  }
  e.occurred_at = now_millis();
  if (!ringing_start.empty()) {
    const auto t = parse_rfc3339(ringing_start);
    if (!t) return Error{"payload.object.ringing_start_time: not an RFC 3339 timestamp: " + quote_for_message(ringing_start)};
    e.occurred_at = *t;
  } else if (const auto ts = doc.FindMember("event_ts"); ts != doc.MemberEnd() && ts->value.IsInt64()) {
    e.occurred_at = ts->value.GetInt64();
  }
  if (const auto loc = object->FindMember("location"); loc != object->MemberEnd() && loc->value.IsObject()) {
    if (const auto ip = first_string(loc->value, "ip"); !ip.empty()) e.device.ip = IpAddress::parse(ip);
    if (const auto bssid = first_string(loc->value, "bssid"); !bssid.empty()) e.device.bssid = MacAddress::parse(bssid);
    if (const auto gps = first_string(loc->value, "gps"); !gps.empty()) e.device.geo = parse_lat_lon(gps);
    if (e.device.ip || e.device.bssid || e.device.geo) e.device.kind = "softphone";
  }
  if (const auto addr = object->FindMember("emergency_address"); addr != object->MemberEnd() && addr->value.IsObject()) {
    FieldReader r(addr->value, "payload.object.emergency_address", limits);
    CivicAddress a;
    std::string line1, line2;
    r.optional_string("address_line1", line1);
    r.optional_string("address_line2", line2);
    r.optional_string("city", a.city);
    r.optional_string("state_code", a.state);
    r.optional_string("zip", a.postal_code);
    r.optional_string("country", a.country);
    if (!r.ok()) return *r.error();
    // Zoom keeps the street with its number on one line; it goes to the
    // street (A6) as it is, the second line to LOC.
    a.street = line1;
    a.additional = line2;
    a.country = to_upper_ascii(a.country);
    if (!a.country.empty() && is_iso3166_alpha2(a.country)) {
      PidfLoInput in;
      in.entity = presence_entity(e.caller.user_id);
      in.address = a;
      in.method = "Manual";  // an address the account's admin or user registered in Zoom
      in.timestamp = e.occurred_at;
      e.pidf_lo = render_pidf_lo(in);
    }
  }

  auto json = platform_call_event_json(e, "zoom", [&](json::Writer& w) {
    json::put(w, "call_id", call_id);
    json::put_if(w, "account_id", account_id);
    json::put_if(w, "site_id", site_id);
    json::put_if(w, "site_name", site_name);
    json::put_if(w, "router", router);
    json::put_if(w, "deliver_to", deliver_to);
  });
  if (!json) return json.error();
  out.kind = ZoomOutcome::Kind::call_event;
  out.key = e.caller.user_id;
  out.json = std::move(*json);
  return out;
}

}  // namespace e911::ingest
