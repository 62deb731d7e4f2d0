#include "consumers/notifier/emergency_call_view.h"

#include <algorithm>
#include <array>

#include "common/emergency_call.h"
#include "common/enum_names.h"
#include "common/event_object_readers.h"
#include "common/text.h"

namespace e911::notifier {
namespace {

constexpr std::string_view kSchemaFamily = "e911.emergency-call/";
constexpr std::size_t kMaxWarnings = 32;

constexpr std::array<std::string_view, 7> kSources = {source::kSwitchPort, source::kAccessPoint, source::kStation,
                                                      source::kSubnet,     source::kRegistered,  source::kEndpoint,
                                                      source::kNone};

constexpr auto kCallClassNames =
    enum_names<CallClass>({{CallClass::emergency, "emergency"}, {CallClass::test, "test"}});
constexpr auto kRoutingNames = enum_names<Routing>({{Routing::psap, "psap"}, {Routing::ecrc, "ecrc"}});

// A required field naming a value of `names`; an unknown name is an error
// saying what the field is (`what`: "call class") and which names it takes.
template <typename E, std::size_t N>
bool read_named(FieldReader& r, const char* name, const EnumNames<E, N>& names, std::string_view what,
                std::string_view expected, E& out) {
  std::string text;
  if (!r.required_string(name, text)) return false;
  const auto value = names.value(text);
  if (!value) {
    return r.fail(name, "unknown " + std::string(what) + " " + quote_for_message(text) + " (expected " +
                            std::string(expected) + ")");
  }
  out = *value;
  return true;
}

bool read_optional_timestamp(FieldReader& r, const char* name, std::optional<EpochMillis>& out) {
  std::string text;
  if (!r.optional_string(name, text)) return false;
  if (text.empty()) return true;
  out = parse_rfc3339(text);
  if (!out) return r.fail(name, "not an RFC 3339 timestamp: " + quote_for_message(text));
  return true;
}

bool read_country(FieldReader& r, std::string& out) {
  if (!r.optional_string("country", out)) return false;
  if (out.empty()) return true;
  out = to_upper_ascii(out);
  if (!is_iso3166_alpha2(out)) return r.fail("country", "not an ISO 3166-1 alpha-2 code: " + quote_for_message(out));
  return true;
}

// FieldReader has no arrays: warnings are read here, with the same rules
// for strings (no control characters) and the same error style.
bool read_warnings(const rapidjson::Value& doc, FieldReader& r, std::vector<std::string>& out) {
  if (!r.ok()) return false;
  const auto it = doc.FindMember("warnings");
  if (it == doc.MemberEnd()) return r.fail("warnings", "missing");
  const auto& array = it->value;
  if (!array.IsArray()) return r.fail("warnings", std::string("expected an array, got ") + json_type_name(array));
  if (array.Size() > kMaxWarnings) return r.fail("warnings", "more than " + std::to_string(kMaxWarnings) + " entries");
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    const auto name = "warnings[" + std::to_string(i) + "]";
    const auto& v = array[i];
    if (!v.IsString()) return r.fail(name, std::string("expected a string, got ") + json_type_name(v));
    std::string code(v.GetString(), v.GetStringLength());
    if (code.empty() || code.size() > 64 || !is_clean_utf8(code)) {
      return r.fail(name, "not a warning code: " + quote_for_message(code));
    }
    if (std::find(out.begin(), out.end(), code) == out.end()) out.push_back(std::move(code));
  }
  return true;
}

std::optional<Error> read_location(const rapidjson::Value& obj, const JsonLimits& limits, LocationView& l) {
  FieldReader r(obj, "location", limits);
  if (r.required_string("source", l.source) &&
      std::find(kSources.begin(), kSources.end(), l.source) == kSources.end()) {
    r.fail("source", "unknown location source " + quote_for_message(l.source));
  }
  const auto dispatchable = obj.FindMember("dispatchable");
  if (r.ok() && (dispatchable == obj.MemberEnd() || dispatchable->value.IsNull())) r.fail("dispatchable", "missing");
  r.optional_bool("dispatchable", l.dispatchable);
  r.optional_string("site_id", l.site_id);
  r.optional_string("zone_id", l.zone_id);
  r.optional_string("label", l.label);
  if (const auto* v = find_member(obj, "validated"); v != nullptr && !v->IsNull()) {
    bool validated = false;
    if (r.optional_bool("validated", validated)) l.validated = validated;
  }
  const auto* address = r.optional_object("address");
  const auto* geo = r.optional_object("geo");
  if (!r.ok()) return r.error();
  if (address) {
    std::optional<Error> err;
    l.address = read_civic_address(*address, "location.address", limits, err);
    if (!l.address) return err;
  }
  if (geo) {
    auto point = read_geo_point(*geo, "location.geo", limits);
    if (!point) return point.error();
    l.geo = *point;
  }
  return std::nullopt;
}

// FieldReader::required_object lets a JSON null through as "absent" without
// an error; for the notifier a null caller or location is a broken document.
const rapidjson::Value* required_object(FieldReader& r, const char* name) {
  const auto* v = r.required_object(name);
  if (!v && r.ok()) r.fail(name, "expected an object, got null");
  return v;
}

std::optional<Error> check_schema(FieldReader& r) {
  std::string schema;
  if (!r.required_string("schema", schema)) return r.error();
  if (schema == kEmergencyCallSchema) return std::nullopt;
  if (std::string_view(schema).starts_with(kSchemaFamily)) {
    return Error{"schema: unsupported version " + quote_for_message(schema) + " (this build reads " +
                 std::string(kEmergencyCallSchema) + ")"};
  }
  return Error{"schema: not an emergency call: " + quote_for_message(schema)};
}

}  // namespace

bool EmergencyCallView::has_warning(std::string_view code) const {
  return std::find(warnings.begin(), warnings.end(), code) != warnings.end();
}

Result<EmergencyCallView> decode_emergency_call(std::string_view payload, const JsonLimits& limits) {
  rapidjson::Document doc;
  if (auto err = parse_json(payload, limits, doc)) return *err;
  FieldReader r(doc, "", limits);
  if (auto err = check_schema(r)) return *err;
  EmergencyCallView v;
  r.required_string("call_id", v.call_id);
  read_named(r, "class", kCallClassNames, "call class", "emergency or test", v.call_class);
  r.required_string("dialed", v.dialed);
  read_optional_timestamp(r, "occurred_at", v.occurred_at);
  read_country(r, v.country);
  if (const auto* caller = required_object(r, "caller")) {
    auto read = read_caller(*caller, limits);
    if (!read) return read.error();
    v.caller = std::move(*read);
  }
  r.optional_string("site_id", v.site_id);
  const auto* location = required_object(r, "location");
  if (location) {
    if (auto err = read_location(*location, limits, v.location)) return *err;
  }
  read_named(r, "routing", kRoutingNames, "routing", "psap or ecrc", v.routing);
  read_warnings(doc, r, v.warnings);
  r.optional_string("notify", v.notify);
  r.optional_string("elin", v.elin);
  if (!r.ok()) return *r.error();
  return v;
}

}  // namespace e911::notifier
