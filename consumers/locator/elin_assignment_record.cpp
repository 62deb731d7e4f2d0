#include "consumers/locator/elin_assignment_record.h"

#include "common/json_writer.h"
#include "common/phone_number.h"
#include "common/timestamp.h"

namespace e911::locator {

std::string encode_elin_assignment(const ElinAssignment& a) {
  return json::encode_record(kElinAssignmentSchema, [&](json::Writer& w) {
    json::put(w, "elin", a.elin);
    json::put(w, "pool", a.pool);
    json::put(w, "call_id", a.call_id);
    json::put_if(w, "user_id", a.user_id);
    json::put_if(w, "extension", a.extension);
    json::put_if(w, "callback", a.callback);
    json::put(w, "assigned_at", format_rfc3339(a.assigned_at));
    if (a.supersedes) {
      w.Key("supersedes");
      if (a.supersedes->empty()) {
        w.Null();
      } else {
        w.String(a.supersedes->data(), static_cast<rapidjson::SizeType>(a.supersedes->size()));
      }
    }
  });
}

Result<ElinAssignment> decode_elin_assignment(std::string_view json, const JsonLimits& limits) {
  rapidjson::Document doc;
  if (auto e = parse_record(json, limits, kElinAssignmentSchema, doc)) return *e;
  FieldReader r(doc, "", limits);
  ElinAssignment a;
  std::string at;
  r.required_string("elin", a.elin);
  if (r.ok()) {
    if (auto problem = validate_e164(a.elin)) r.fail("elin", *problem);
  }
  r.required_string("pool", a.pool);
  r.required_string("call_id", a.call_id);
  r.optional_string("user_id", a.user_id);
  r.optional_string("extension", a.extension);
  r.optional_string("callback", a.callback);
  r.required_string("assigned_at", at);
  if (r.ok()) {
    const auto t = parse_rfc3339(at);
    if (!t) r.fail("assigned_at", "not an RFC 3339 time: \"" + at + "\"");
    else a.assigned_at = *t;
  }
  if (r.ok()) {
    if (const auto* s = find_member(doc, "supersedes")) {
      if (s->IsNull()) {
        a.supersedes = std::string();
      } else {
        r.required_string("supersedes", a.supersedes.emplace());
      }
    }
  }
  if (!r.ok()) return *r.error();
  return a;
}

}  // namespace e911::locator
