#include "common/json_writer.h"

#include "common/timestamp.h"

namespace e911::json {
namespace {

void key(Writer& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }

}  // namespace

void put(Writer& w, std::string_view k, std::string_view value) {
  key(w, k);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void put_if(Writer& w, std::string_view k, std::string_view value) {
  if (!value.empty()) put(w, k, value);
}

void put_or_null(Writer& w, std::string_view k, std::string_view value) {
  if (!value.empty()) return put(w, k, value);
  key(w, k);
  w.Null();
}

void put_geo(Writer& w, const GeoPoint& geo) {
  w.Key("geo");
  w.StartObject();
  w.Key("lat");
  w.Double(geo.lat);
  w.Key("lon");
  w.Double(geo.lon);
  if (geo.accuracy_m) {
    w.Key("accuracy_m");
    w.Double(*geo.accuracy_m);
  }
  w.EndObject();
}

void put_call_event_fields(Writer& w, const CallEvent& e) {
  put(w, "schema", kCallEventSchema);
  put(w, "event_id", e.event_id);
  put(w, "call_id", e.call_id);
  put(w, "type", call_event_type_name(e.type));
  put(w, "occurred_at", format_rfc3339(e.occurred_at));
  put(w, "dialed", e.dialed);
  w.Key("caller");
  w.StartObject();
  put_if(w, "user_id", e.caller.user_id);
  put_if(w, "name", e.caller.name);
  put_if(w, "extension", e.caller.extension);
  put_if(w, "callback", e.caller.callback);
  w.EndObject();
  const auto& d = e.device;
  if (!d.id.empty() || !d.kind.empty() || d.mac || d.ip || d.bssid || d.geo) {
    w.Key("device");
    w.StartObject();
    put_if(w, "id", d.id);
    put_if(w, "kind", d.kind);
    if (d.mac) put(w, "mac", d.mac->to_string());
    if (d.ip) put(w, "ip", d.ip->to_string());
    if (d.bssid) put(w, "bssid", d.bssid->to_string());
    if (d.geo) put_geo(w, *d.geo);
    w.EndObject();
  }
  put_if(w, "site_id", e.site_id);
  put_if(w, "pidf_lo", e.pidf_lo);
}

}  // namespace e911::json
