#include "common/events.h"

#include <cstddef>

#include "common/event_object_readers.h"
#include "common/text.h"

namespace e911 {
namespace {

constexpr std::string_view kSchemaFamilyCall = "e911.call-event/";
constexpr std::string_view kSchemaFamilyLocation = "e911.location-update/";

bool read_timestamp(FieldReader& r, const char* name, EpochMillis& out) {
  std::string text;
  if (!r.required_string(name, text)) return false;
  const auto t = parse_rfc3339(text);
  if (!t) return r.fail(name, "not an RFC 3339 timestamp: " + quote_for_message(text));
  out = *t;
  return true;
}

// An optional field whose text T::parse reads ("" counts as absent); the
// error says the text is not `what` ("an IP address") and quotes it.
template <typename T>
bool read_optional_parsed(FieldReader& r, const char* name, std::optional<T>& out, std::string_view what) {
  std::string text;
  if (!r.optional_string(name, text)) return false;
  if (text.empty()) return true;
  out = T::parse(text);
  if (!out) return r.fail(name, "not " + std::string(what) + ": " + quote_for_message(text));
  return true;
}

std::optional<Error> read_device(const rapidjson::Value& obj, const JsonLimits& limits, Device& d) {
  FieldReader r(obj, "device", limits);
  r.optional_string("id", d.id);
  r.optional_string("kind", d.kind);
  read_mac(r, "mac", d.mac);
  read_ip(r, "ip", d.ip);
  read_mac(r, "bssid", d.bssid);
  r.optional_bool("vpn", d.vpn);
  if (const auto* lldp = r.optional_object("lldp")) {
    FieldReader lr(*lldp, "device.lldp", limits);
    LldpPort port;
    lr.required_string("chassis_id", port.chassis_id);
    lr.required_string("port_id", port.port_id);
    if (!lr.ok()) return lr.error();
    port.chassis_id = canonical_chassis_id(port.chassis_id);
    port.port_id = std::string(trim(port.port_id));
    d.lldp = std::move(port);
  }
  if (const auto* geo = r.optional_object("geo")) {
    auto point = read_geo_point(*geo, "device.geo", limits);
    if (!point) return point.error();
    d.geo = *point;
  }
  return r.error();
}

Result<InputEvent> decode_call_event(const rapidjson::Value& doc, const JsonLimits& limits) {
  CallEvent e;
  FieldReader r(doc, "", limits);
  r.required_string("event_id", e.event_id);
  r.required_string("call_id", e.call_id);
  std::string type;
  if (r.required_string("type", type)) {
    if (type == "call.initiated") e.type = CallEventType::initiated;
    else if (type == "call.answered") e.type = CallEventType::answered;
    else if (type == "call.ended") e.type = CallEventType::ended;
    else r.fail("type", "unknown call event type " + quote_for_message(type) +
                            " (expected call.initiated, call.answered or call.ended)");
  }
  read_timestamp(r, "occurred_at", e.occurred_at);
  r.required_string("dialed", e.dialed);
  if (const auto* caller = r.required_object("caller")) {
    auto read = read_caller(*caller, limits);
    if (!read) return read.error();
    e.caller = std::move(*read);
  }
  if (const auto* device = r.optional_object("device")) {
    if (auto err = read_device(*device, limits, e.device)) return *err;
  }
  r.optional_string("site_id", e.site_id);
  r.optional_string("pidf_lo", e.pidf_lo);
  if (!r.ok()) return *r.error();
  if (e.subject_id().empty()) return Error{"caller.user_id: missing (and no device.id to key the caller by)"};
  return InputEvent{std::move(e)};
}

Result<InputEvent> decode_location_update(const rapidjson::Value& doc, const JsonLimits& limits) {
  LocationUpdate u;
  FieldReader r(doc, "", limits);
  r.required_string("event_id", u.event_id);
  read_timestamp(r, "occurred_at", u.occurred_at);
  r.required_string("user_id", u.user_id);
  r.optional_string("source", u.source);
  r.optional_bool("validated", u.validated);
  const auto* address = r.required_object("address");
  if (!r.ok()) return *r.error();
  std::optional<Error> err;
  auto parsed = read_civic_address(*address, "address", limits, err);
  if (!parsed) return *err;
  u.address = std::move(*parsed);
  if (const auto* network = r.optional_object("network")) {
    FieldReader nr(*network, "network", limits);
    read_ip(nr, "ip", u.network_ip);
    read_mac(nr, "bssid", u.network_bssid);
    if (!nr.ok()) return *nr.error();
  }
  if (!r.ok()) return *r.error();
  return InputEvent{std::move(u)};
}

}  // namespace

bool read_ip(FieldReader& r, const char* name, std::optional<IpAddress>& out) {
  return read_optional_parsed(r, name, out, "an IP address");
}

bool read_mac(FieldReader& r, const char* name, std::optional<MacAddress>& out) {
  return read_optional_parsed(r, name, out, "a MAC address");
}

std::optional<CivicAddress> read_civic_address(const rapidjson::Value& object, const std::string& path,
                                               const JsonLimits& limits, std::optional<Error>& error) {
  FieldReader r(object, path, limits);
  CivicAddress a;
  for (const auto& f : civic_fields()) {
    const std::string name(f.json_name);
    r.optional_string(name.c_str(), a.*f.member);
  }
  r.optional_bool("multi_dwelling", a.multi_dwelling);
  if (r.ok()) {
    if (a.country.empty()) {
      r.fail("country", "missing");
    } else if (!is_iso3166_alpha2(to_upper_ascii(a.country))) {
      r.fail("country", "not an ISO 3166-1 alpha-2 code: " + quote_for_message(a.country));
    } else {
      a.country = to_upper_ascii(a.country);
    }
  }
  if (!r.ok()) {
    error = r.error();
    return std::nullopt;
  }
  return a;
}

std::string canonical_chassis_id(std::string_view raw) {
  if (const auto mac = MacAddress::parse(trim(raw))) return mac->to_string();
  return to_lower_ascii(trim(raw));
}

Result<InputEvent> decode_input_event(std::string_view payload, const JsonLimits& limits) {
  // The DOM of a typical event fits in this per-thread buffer, so decoding
  // allocates little more than the strings it returns; a larger one spills
  // into heap chunks freed with the allocator. Everything is copied out
  // before returning, and decoding never re-enters itself.
  alignas(std::max_align_t) thread_local char value_buffer[16 * 1024];
  rapidjson::MemoryPoolAllocator<> value_allocator(value_buffer, sizeof value_buffer);
  rapidjson::Document doc(&value_allocator);
  if (auto err = parse_json(payload, limits, doc)) return *err;
  FieldReader r(doc, "", limits);
  std::string schema;
  if (!r.required_string("schema", schema)) return *r.error();
  if (schema == kCallEventSchema) return decode_call_event(doc, limits);
  if (schema == kLocationUpdateSchema) return decode_location_update(doc, limits);
  const std::string_view s(schema);
  if (s.starts_with(kSchemaFamilyCall) || s.starts_with(kSchemaFamilyLocation)) {
    return Error{"schema: unsupported version " + quote_for_message(schema) + " (this build reads " +
                 std::string(kCallEventSchema) + " and " + std::string(kLocationUpdateSchema) + ")"};
  }
  return Error{"schema: unknown event schema " + quote_for_message(schema)};
}

}  // namespace e911
