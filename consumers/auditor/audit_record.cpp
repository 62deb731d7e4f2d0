#include "consumers/auditor/audit_record.h"

#include <algorithm>

#include "common/phone_number.h"
#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/payload_builder.h"

namespace e911::auditor {
namespace {

constexpr std::size_t kMaxIdChars = 256;

Error field_error(std::string_view path, std::string_view what) {
  return Error{std::string(path) + ": " + std::string(what)};
}

const rapidjson::Value* find(const rapidjson::Value& o, const char* name) {
  const auto it = o.FindMember(name);
  return it == o.MemberEnd() ? nullptr : &it->value;
}

// A required non-empty string of at most kMaxIdChars.
std::optional<Error> required_id(const rapidjson::Value& o, const char* name, std::string& out) {
  const auto* v = find(o, name);
  if (v == nullptr) return field_error(name, "missing");
  if (!v->IsString()) return field_error(name, std::string("expected a string, got ") + json_type_name(*v));
  out.assign(v->GetString(), v->GetStringLength());
  if (out.empty()) return field_error(name, "empty");
  if (out.size() > kMaxIdChars) return field_error(name, "longer than " + std::to_string(kMaxIdChars) + " characters");
  return std::nullopt;
}

// Absent, null or a string (of `path`).
std::optional<Error> optional_string(const rapidjson::Value& o, const char* name, std::string_view path) {
  const auto* v = find(o, name);
  if (v == nullptr || v->IsNull() || v->IsString()) return std::nullopt;
  return field_error(std::string(path) + name, std::string("expected a string, got ") + json_type_name(*v));
}

std::optional<Error> optional_timestamp(const rapidjson::Value& o, const char* name) {
  const auto* v = find(o, name);
  if (v == nullptr || v->IsNull()) return std::nullopt;
  if (!v->IsString()) return field_error(name, std::string("expected a timestamp string, got ") + json_type_name(*v));
  if (!parse_rfc3339(std::string_view(v->GetString(), v->GetStringLength()))) {
    return field_error(name, "not an RFC 3339 timestamp");
  }
  return std::nullopt;
}

std::optional<Error> check_schema(const rapidjson::Value& doc, std::string_view expected) {
  const auto* v = find(doc, "schema");
  if (v == nullptr) return field_error("schema", "missing");
  if (!v->IsString()) return field_error("schema", std::string("expected a string, got ") + json_type_name(*v));
  const std::string_view got(v->GetString(), v->GetStringLength());
  if (got != expected) {
    std::string shown(got.substr(0, 64));
    return field_error("schema", "unsupported \"" + shown + "\" (expected \"" + std::string(expected) + "\")");
  }
  return std::nullopt;
}

#define E911_RETURN_IF_ERROR(expr) \
  if (auto e_ = (expr)) return *e_

std::optional<Error> check_emergency_call(const rapidjson::Value& doc, std::string& call_id) {
  E911_RETURN_IF_ERROR(check_schema(doc, kEmergencyCallSchema));
  E911_RETURN_IF_ERROR(required_id(doc, "call_id", call_id));
  std::string cls;
  E911_RETURN_IF_ERROR(required_id(doc, "class", cls));
  if (cls != "emergency" && cls != "test") return field_error("class", "expected \"emergency\" or \"test\"");
  for (const char* f : {"dialed", "country", "site_id", "event_id", "routing", "notify", "elin", "pidf_lo"}) {
    E911_RETURN_IF_ERROR(optional_string(doc, f, ""));
  }
  E911_RETURN_IF_ERROR(optional_timestamp(doc, "occurred_at"));
  E911_RETURN_IF_ERROR(optional_timestamp(doc, "resolved_at"));
  if (const auto* caller = find(doc, "caller"); caller != nullptr && !caller->IsNull()) {
    if (!caller->IsObject()) return field_error("caller", std::string("expected an object, got ") + json_type_name(*caller));
    for (const char* f : {"user_id", "name", "extension", "callback"}) {
      E911_RETURN_IF_ERROR(optional_string(*caller, f, "caller."));
    }
  }
  const auto* location = find(doc, "location");
  if (location == nullptr) return field_error("location", "missing");
  if (!location->IsObject()) return field_error("location", std::string("expected an object, got ") + json_type_name(*location));
  for (const char* f : {"source", "site_id", "zone_id", "label"}) {
    E911_RETURN_IF_ERROR(optional_string(*location, f, "location."));
  }
  if (const auto* d = find(*location, "dispatchable"); d == nullptr || !d->IsBool()) {
    return field_error("location.dispatchable", d == nullptr ? "missing" : std::string("expected a boolean, got ") + json_type_name(*d));
  }
  if (const auto* v = find(*location, "validated"); v != nullptr && !v->IsNull() && !v->IsBool()) {
    return field_error("location.validated", std::string("expected a boolean, got ") + json_type_name(*v));
  }
  if (const auto* a = find(*location, "address"); a != nullptr && !a->IsNull() && !a->IsObject()) {
    return field_error("location.address", std::string("expected an object, got ") + json_type_name(*a));
  }
  if (const auto* w = find(doc, "warnings"); w != nullptr && !w->IsNull()) {
    if (!w->IsArray()) return field_error("warnings", std::string("expected an array, got ") + json_type_name(*w));
    for (rapidjson::SizeType i = 0; i < w->Size(); ++i) {
      if (!(*w)[i].IsString()) {
        return field_error("warnings[" + std::to_string(i) + "]",
                           std::string("expected a string, got ") + json_type_name((*w)[i]));
      }
    }
  }
  return std::nullopt;
}

std::optional<Error> check_notification(const rapidjson::Value& doc, std::string& call_id) {
  E911_RETURN_IF_ERROR(check_schema(doc, kNotificationSchema));
  std::string id;
  E911_RETURN_IF_ERROR(required_id(doc, "notification_id", id));
  E911_RETURN_IF_ERROR(required_id(doc, "call_id", call_id));
  std::string channel;
  E911_RETURN_IF_ERROR(required_id(doc, "channel", channel));
  std::string status;
  E911_RETURN_IF_ERROR(required_id(doc, "status", status));
  static constexpr std::string_view kStatuses[] = {"sent", "delivered", "retrying", "failed", "escalated", "acknowledged"};
  if (std::find(std::begin(kStatuses), std::end(kStatuses), status) == std::end(kStatuses)) {
    return field_error("status", "unknown status \"" + status.substr(0, 32) + "\"");
  }
  const auto* attempt = find(doc, "attempt");
  if (attempt == nullptr) return field_error("attempt", "missing");
  if (!attempt->IsInt64() || attempt->GetInt64() < 1 || attempt->GetInt64() > 1'000'000) {
    return field_error("attempt", "expected a whole number from 1");
  }
  if (const auto* at = find(doc, "at"); at == nullptr) return field_error("at", "missing");
  E911_RETURN_IF_ERROR(optional_timestamp(doc, "at"));
  if (find(doc, "at")->IsNull()) return field_error("at", "expected a timestamp string, got null");
  E911_RETURN_IF_ERROR(optional_timestamp(doc, "call_occurred_at"));
  if (const auto* l = find(doc, "latency_ms"); l != nullptr && !l->IsNull() && !(l->IsNumber() && l->GetDouble() >= 0)) {
    return field_error("latency_ms", "expected a number of milliseconds, at least 0");
  }
  for (const char* f : {"class", "list", "transport", "provider_id", "error", "escalated_to", "acknowledged_by", "comment"}) {
    E911_RETURN_IF_ERROR(optional_string(doc, f, ""));
  }
  if (const auto* r = find(doc, "recipient"); r != nullptr && !r->IsNull()) {
    if (!r->IsObject()) return field_error("recipient", std::string("expected an object, got ") + json_type_name(*r));
    for (const char* f : {"name", "address"}) E911_RETURN_IF_ERROR(optional_string(*r, f, "recipient."));
  }
  return std::nullopt;
}

// A required, non-null timestamp.
std::optional<Error> required_timestamp(const rapidjson::Value& o, const char* name) {
  const auto* v = find(o, name);
  if (v == nullptr) return field_error(name, "missing");
  if (v->IsNull()) return field_error(name, "expected a timestamp string, got null");
  return optional_timestamp(o, name);
}

std::optional<Error> check_elin_lookup(const rapidjson::Value& doc, std::string& call_id) {
  E911_RETURN_IF_ERROR(check_schema(doc, kElinLookupSchema));
  std::string id;
  E911_RETURN_IF_ERROR(required_id(doc, "lookup_id", id));
  std::string elin;
  E911_RETURN_IF_ERROR(required_id(doc, "elin", elin));
  if (auto problem = e164_form_problem(elin)) return field_error("elin", *problem);
  E911_RETURN_IF_ERROR(required_timestamp(doc, "looked_up_at"));
  E911_RETURN_IF_ERROR(optional_timestamp(doc, "as_of"));
  std::string via;
  E911_RETURN_IF_ERROR(required_id(doc, "via", via));
  if (via != "http" && via != "cli") return field_error("via", "expected \"http\" or \"cli\"");
  std::string by;
  E911_RETURN_IF_ERROR(required_id(doc, "by", by));
  const auto* reachable = find(doc, "reachable");
  if (reachable == nullptr) return field_error("reachable", "missing");
  if (!reachable->IsBool()) return field_error("reachable", std::string("expected a boolean, got ") + json_type_name(*reachable));
  if (reachable->GetBool()) {
    std::string pool;
    E911_RETURN_IF_ERROR(required_id(doc, "call_id", call_id));
    E911_RETURN_IF_ERROR(required_id(doc, "pool", pool));
    return required_timestamp(doc, "assigned_at");
  }
  // Unreachable: the ELIN reached no call, so nothing may say which.
  for (const char* f : {"call_id", "pool", "assigned_at"}) {
    if (find(doc, f) != nullptr) return field_error(f, "present, but reachable is false");
  }
  return std::nullopt;
}

#undef E911_RETURN_IF_ERROR

// The drafts of a record journaled whole: every member but "source" (the
// auditor's own), then the source.
Result<EntryDraft> draft_of_whole_record(const rapidjson::Value& doc, std::string_view kind, std::string call_id,
                                         const SourceRecord& source, EpochMillis now) {
  PayloadBuilder payload;
  for (const auto& m : doc.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name == "source") continue;  // ours
    payload.member(name, m.value);
  }
  payload.source(source);
  auto json = payload.finish();
  if (!json) return json.error();
  return EntryDraft{std::string(kind), std::move(call_id), now, std::move(*json)};
}

}  // namespace

Result<std::vector<EntryDraft>> drafts_for_emergency_call(std::string_view document, const SourceRecord& source,
                                                          EpochMillis now, const JsonLimits& limits) {
  auto doc = parse_record_object(document, limits);
  if (!doc) return doc.error();
  std::string call_id;
  if (auto e = check_emergency_call(*doc, call_id)) return *e;

  PayloadBuilder recorded;
  recorded.copy(*doc, {"call_id", "class", "dialed", "occurred_at", "country", "caller", "site_id", "event_id",
                       "device", "resolved_at"});
  recorded.source(source);
  auto recorded_json = recorded.finish();
  if (!recorded_json) return recorded_json.error();

  PayloadBuilder conveyed;
  conveyed.copy(*doc, {"call_id", "location", "warnings", "routing", "notify", "elin", "pidf_lo"});
  conveyed.source(source);
  auto conveyed_json = conveyed.finish();
  if (!conveyed_json) return conveyed_json.error();

  return std::vector<EntryDraft>{
      {std::string(entry_kind::kCallRecorded), call_id, now, std::move(*recorded_json)},
      {std::string(entry_kind::kLocationConveyed), call_id, now, std::move(*conveyed_json)},
  };
}

Result<EntryDraft> draft_for_notification(std::string_view record, const SourceRecord& source, EpochMillis now,
                                          const JsonLimits& limits) {
  auto doc = parse_record_object(record, limits);
  if (!doc) return doc.error();
  std::string call_id;
  if (auto e = check_notification(*doc, call_id)) return *e;
  return draft_of_whole_record(*doc, entry_kind::kNotification, std::move(call_id), source, now);
}

Result<EntryDraft> draft_for_elin_lookup(std::string_view record, const SourceRecord& source, EpochMillis now,
                                         const JsonLimits& limits) {
  auto doc = parse_record_object(record, limits);
  if (!doc) return doc.error();
  std::string call_id;  // stays empty when the ELIN reached no call
  if (auto e = check_elin_lookup(*doc, call_id)) return *e;
  return draft_of_whole_record(*doc, entry_kind::kElinLookup, std::move(call_id), source, now);
}

}  // namespace e911::auditor
