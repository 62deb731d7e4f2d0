#include "producers/ingest/graph_webhook.h"

#include <cstdlib>

#include "common/civic_address.h"
#include "common/encoding.h"
#include "common/events.h"
#include "common/json_reader.h"
#include "common/json_writer.h"
#include "common/pidf_lo.h"
#include "common/sha256.h"
#include "common/text.h"
#include "producers/ingest/platform_event.h"

namespace e911::ingest {
namespace {

constexpr std::size_t kMaxValidationToken = 4096;
constexpr std::size_t kMaxNotifications = 100;

GraphItem rejected(std::string reason, bool authenticated = true) {
  GraphItem item;
  item.kind = GraphItem::Kind::rejected;
  item.authenticated = authenticated;
  item.reason = std::move(reason);
  return item;
}

// A coordinate Graph sends as a string ("47.6401") or a number.
std::optional<double> coordinate(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd()) return std::nullopt;
  if (it->value.IsNumber()) return it->value.GetDouble();
  if (!it->value.IsString()) return std::nullopt;
  const std::string text(trim(std::string_view(it->value.GetString(), it->value.GetStringLength())));
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') return std::nullopt;
  return v;
}

// A string member of `object` or of its additionalData (where Graph puts
// the civic fields its address type has no property for).
std::string civic(const rapidjson::Value& address, const char* name, FieldReader& r) {
  std::string out;
  r.optional_string(name, out);
  if (out.empty()) {
    if (const auto extra = address.FindMember("additionalData");
        extra != address.MemberEnd() && extra->value.IsObject()) {
      FieldReader x(extra->value, r.path_of("additionalData"), r.limits());
      x.optional_string(name, out);
      if (!x.ok()) r.fail("additionalData", x.error()->message);
    }
  }
  return std::string(trim(out));
}

// What the location object says, as a PIDF-LO; "" with `why` set when it
// says nothing usable.
std::string location_pidf(const rapidjson::Value& location, const std::string& path, const std::string& user,
                          EpochMillis at, std::string& why, std::optional<Error>& error) {
  PidfLoInput in;
  in.entity = presence_entity(user);
  in.timestamp = at;
  if (const auto addr = location.FindMember("address"); addr != location.MemberEnd() && addr->value.IsObject()) {
    const auto& a = addr->value;
    const JsonLimits limits;  // FieldReader keeps a reference: it must outlive the reader
    FieldReader r(a, path + ".address", limits);
    CivicAddress c;
    const std::string country = civic(a, "countryOrRegion", r);
    const std::string pre = civic(a, "preDirectional", r), street = civic(a, "street", r),
                      suffix = civic(a, "streetSuffix", r), post = civic(a, "postDirectional", r);
    // Graph's street is the name; its suffix and directionals, when given
    // apart, join it (A6), unless the street already ends with the suffix.
    const bool suffix_given = !suffix.empty() && !to_lower_ascii(street).ends_with(to_lower_ascii(suffix));
    for (const auto& part : {pre, street, suffix_given ? suffix : std::string(), post}) {
      if (part.empty()) continue;
      if (!c.street.empty()) c.street += ' ';
      c.street += part;
    }
    c.city = civic(a, "city", r);
    c.state = civic(a, "state", r);
    c.postal_code = civic(a, "postalCode", r);
    c.county = civic(a, "county", r);
    c.house_number = civic(a, "houseNumber", r);
    c.house_number_suffix = civic(a, "houseNumberSuffix", r);
    c.name = civic(a, "companyName", r);
    c.additional = civic(a, "additionalInfo", r);
    if (!r.ok()) {
      error = *r.error();
      return {};
    }
    if (const auto code = country_code(country)) {
      c.country = *code;
      in.address = c;
    } else if (!c.empty() || !country.empty()) {
      why = path + ".address.countryOrRegion: " +
            (country.empty() ? std::string("missing") : quote_for_message(country, 40) + " is not a known country") +
            "; the address was left out";
    }
  }
  if (const auto co = location.FindMember("coordinates"); co != location.MemberEnd() && co->value.IsObject()) {
    const auto lat = coordinate(co->value, "latitude"), lon = coordinate(co->value, "longitude");
    if (lat && lon && *lat >= -90 && *lat <= 90 && *lon >= -180 && *lon <= 180 && !(*lat == 0 && *lon == 0))
      in.geo = GeoPoint{*lat, *lon, std::nullopt};
    if (const auto acc = coordinate(co->value, "accuracy"); acc && in.geo && *acc > 0) in.geo->accuracy_m = *acc;
  }
  if (!in.address && !in.geo) return {};
  return render_pidf_lo(in);
}

}  // namespace

std::optional<Result<std::string>> graph_validation_token(std::string_view query) {
  std::string_view rest = query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) != "validationToken") continue;
    if (eq == std::string_view::npos) return Result<std::string>(Error{"validationToken: empty"});
    auto token = percent_decode(pair.substr(eq + 1), /*plus_is_space=*/true);
    if (!token) return Result<std::string>(Error{"validationToken: bad percent-encoding"});
    if (token->empty()) return Result<std::string>(Error{"validationToken: empty"});
    if (token->size() > kMaxValidationToken)
      return Result<std::string>(Error{"validationToken: longer than " + std::to_string(kMaxValidationToken) + " bytes"});
    return Result<std::string>(std::move(*token));
  }
  return std::nullopt;
}

GraphItem map_emergency_call_event(std::string_view resource_json) {
  rapidjson::Document doc;
  const JsonLimits limits;
  if (auto err = parse_json(resource_json, limits, doc)) return rejected("resource data: " + err->message);
  const rapidjson::Value* event = &doc;
  std::string path = "resource";
  if (const auto nested = doc.FindMember("emergencyCallEvent");
      nested != doc.MemberEnd() && nested->value.IsObject()) {
    event = &nested->value;
    path = "resource.emergencyCallEvent";
  }
  FieldReader r(*event, path, limits);
  std::string id, type, at_text, policy;
  CallEvent e;
  r.required_string("id", id);
  r.required_string("callEventType", type);
  r.optional_string("eventDateTime", at_text);
  r.optional_string("emergencyNumberDialed", e.dialed);
  r.optional_string("policyName", policy);
  const auto* caller = r.optional_object("callerInfo");
  if (!r.ok()) return rejected(r.error()->message);
  if (type == "callStarted") e.type = CallEventType::initiated;
  else if (type == "callEnded") e.type = CallEventType::ended;
  else {
    GraphItem item;
    item.authenticated = true;
    item.reason = path + ".callEventType: " + quote_for_message(type, 40) + " is not a call starting or ending";
    return item;
  }
  if (e.dialed.empty()) return rejected(path + ".emergencyNumberDialed: missing");
  e.call_id = "teams-" + id;
  e.event_id = e.call_id + "-" + type;
  e.occurred_at = now_millis();
  if (!at_text.empty()) {
    const auto t = parse_rfc3339(at_text);
    if (!t) return rejected(path + ".eventDateTime: not an RFC 3339 timestamp: " + quote_for_message(at_text));
    e.occurred_at = *t;
  }
  std::string tenant, location_note;
  if (caller) {
    FieldReader c(*caller, path + ".callerInfo", limits);
    c.optional_string("upn", e.caller.user_id);
    c.optional_string("displayName", e.caller.name);
    c.optional_string("phoneNumber", e.caller.callback);
    c.optional_string("tenantId", tenant);
    const auto* location = c.optional_object("location");
    if (!c.ok()) return rejected(c.error()->message);
    if (e.caller.user_id.empty()) e.caller.user_id = e.caller.callback;
    if (location && e.type == CallEventType::initiated) {
      std::optional<Error> error;
      e.pidf_lo = location_pidf(*location, path + ".callerInfo.location", e.caller.user_id.empty() ? id : e.caller.user_id,
                                e.occurred_at, location_note, error);
      if (error) return rejected(error->message);
    }
  }
  if (e.caller.user_id.empty()) return rejected(path + ".callerInfo: neither upn nor phoneNumber (who called?)");

  auto json = platform_call_event_json(e, "teams", [&](json::Writer& w) {
    json::put(w, "event_id", id);
    json::put_if(w, "policy_name", policy);
    json::put_if(w, "tenant_id", tenant);
    json::put_if(w, "location_error", location_note);
  });
  if (!json) return rejected(json.error().message);
  GraphItem item;
  item.kind = GraphItem::Kind::call_event;
  item.authenticated = true;
  item.key = e.caller.user_id;
  item.json = std::move(*json);
  return item;
}

Result<std::vector<GraphItem>> handle_graph_notifications(std::string_view body, const GraphSettings& settings) {
  rapidjson::Document doc;
  // A batch of notifications, each with its encrypted resource.
  const JsonLimits limits{.max_bytes = 1 << 20, .max_depth = 16, .max_string = 512 * 1024};
  if (auto err = parse_json(body, limits, doc)) return *err;
  const auto value = doc.FindMember("value");
  if (value == doc.MemberEnd() || !value->value.IsArray()) return Error{"value: expected an array of notifications"};
  if (value->value.Size() > kMaxNotifications)
    return Error{"value: more than " + std::to_string(kMaxNotifications) + " notifications"};
  std::vector<GraphItem> items;
  for (rapidjson::SizeType i = 0; i < value->value.Size(); ++i) {
    const std::string path = "value[" + std::to_string(i) + "]";
    const auto& n = value->value[i];
    if (!n.IsObject()) {
      items.push_back(rejected(path + ": expected an object", false));
      continue;
    }
    FieldReader r(n, path, limits);
    std::string client_state, lifecycle, change_type;
    r.optional_string("clientState", client_state);
    r.optional_string("lifecycleEvent", lifecycle);
    r.optional_string("changeType", change_type);
    const auto* encrypted = r.optional_object("encryptedContent");
    if (!r.ok()) {
      items.push_back(rejected(r.error()->message, false));
      continue;
    }
    if (client_state.empty() || !constant_time_equal(client_state, settings.client_state)) {
      items.push_back(rejected(path + ".clientState: " + (client_state.empty() ? "missing" : "does not match") +
                                   " (not a notification of our subscription)",
                               false));
      continue;
    }
    if (!lifecycle.empty()) {
      GraphItem item;
      item.authenticated = true;
      item.reason = path + ": lifecycle notification " + quote_for_message(lifecycle, 40) +
                    (lifecycle == "reauthorizationRequired" || lifecycle == "subscriptionRemoved"
                         ? ": renew or recreate the Graph subscription"
                         : "");
      items.push_back(std::move(item));
      continue;
    }
    if (!encrypted) {
      items.push_back(rejected(path + ".encryptedContent: missing (the subscription must include resource data)"));
      continue;
    }
    FieldReader er(*encrypted, path + ".encryptedContent", limits);
    GraphEncryptedContent content;
    er.required_string("data", content.data);
    er.required_string("dataKey", content.data_key);
    er.required_string("dataSignature", content.data_signature);
    er.optional_string("encryptionCertificateId", content.certificate_id);
    if (!er.ok()) {
      items.push_back(rejected(er.error()->message));
      continue;
    }
    auto plain = settings.decryptor->decrypt(content);
    if (!plain) {
      items.push_back(rejected(path + "." + plain.error().message));
      continue;
    }
    auto item = map_emergency_call_event(*plain);
    if (item.kind != GraphItem::Kind::call_event) item.reason = path + ": " + item.reason;
    items.push_back(std::move(item));
  }
  // What is dead-lettered of each rejected notification: itself.
  for (rapidjson::SizeType i = 0; i < value->value.Size() && i < items.size(); ++i) {
    auto& item = items[i];
    if (item.kind != GraphItem::Kind::rejected || !item.authenticated) continue;
    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> writer(out);
    value->value[i].Accept(writer);
    item.notification.assign(out.GetString(), out.GetSize());
  }
  return items;
}

}  // namespace e911::ingest
