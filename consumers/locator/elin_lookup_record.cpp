#include "consumers/locator/elin_lookup_record.h"

#include "common/encoding.h"

namespace e911::locator {

ElinLookup new_elin_lookup(std::string elin, std::string via, std::string by, std::optional<ElinAssignment> answer) {
  ElinLookup l;
  l.lookup_id = "lk-" + random_hex(16);
  l.elin = std::move(elin);
  l.looked_up_at = now_millis();
  l.via = std::move(via);
  l.by = std::move(by);
  l.answer = std::move(answer);
  return l;
}

std::string encode_elin_lookup(const ElinLookup& l) {
  return json::encode_record(kElinLookupSchema, [&](json::Writer& w) {
    json::put(w, "lookup_id", l.lookup_id);
    json::put(w, "elin", l.elin);
    json::put(w, "looked_up_at", format_rfc3339(l.looked_up_at));
    if (l.as_of) json::put(w, "as_of", format_rfc3339(*l.as_of));
    json::put(w, "via", l.via);
    json::put(w, "by", l.by);
    w.Key("reachable");
    w.Bool(l.answer.has_value());
    if (l.answer) {
      json::put(w, "call_id", l.answer->call_id);
      json::put(w, "pool", l.answer->pool);
      json::put(w, "assigned_at", format_rfc3339(l.answer->assigned_at));
    }
  });
}

void put_elin_answer(json::Writer& w, std::string_view elin, const std::optional<ElinAssignment>& a) {
  json::put(w, "elin", elin);
  w.Key("reachable");
  w.Bool(a.has_value());
  if (a) {
    json::put(w, "pool", a->pool);
    json::put(w, "call_id", a->call_id);
    json::put_if(w, "user_id", a->user_id);
    json::put_if(w, "extension", a->extension);
    json::put_if(w, "callback", a->callback);
    json::put(w, "assigned_at", format_rfc3339(a->assigned_at));
  }
}

}  // namespace e911::locator
