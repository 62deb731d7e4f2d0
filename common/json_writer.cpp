#include "common/json_writer.h"

#include "common/timestamp.h"

namespace e911::json {
namespace {

void key(Writer& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }

// "<k>": {...} with the members `members()` writes: opened and closed here,
// so every nested object is balanced.
template <typename Members>
void put_object(Writer& w, std::string_view k, Members&& members) {
  key(w, k);
  w.StartObject();
  members();
  w.EndObject();
}

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
  put_object(w, "geo", [&] {
    w.Key("lat");
    w.Double(geo.lat);
    w.Key("lon");
    w.Double(geo.lon);
    if (geo.accuracy_m) {
      w.Key("accuracy_m");
      w.Double(*geo.accuracy_m);
    }
  });
}

void put_address(Writer& w, const CivicAddress& a) {
  put_object(w, "address", [&] {
    for (const auto& f : civic_fields()) put_if(w, f.json_name, a.*f.member);
    if (a.multi_dwelling) {
      w.Key("multi_dwelling");
      w.Bool(true);
    }
  });
}

void put_caller(Writer& w, const Caller& c) {
  put_object(w, "caller", [&] {
    put_if(w, "user_id", c.user_id);
    put_if(w, "name", c.name);
    put_if(w, "extension", c.extension);
    put_if(w, "callback", c.callback);
  });
}

void put_lldp(Writer& w, const LldpPort& port) {
  put_object(w, "lldp", [&] {
    put(w, "chassis_id", port.chassis_id);
    put(w, "port_id", port.port_id);
  });
}

void put_call_event_fields(Writer& w, const CallEvent& e) {
  put(w, "schema", kCallEventSchema);
  put(w, "event_id", e.event_id);
  put(w, "call_id", e.call_id);
  put(w, "type", call_event_type_name(e.type));
  put(w, "occurred_at", format_rfc3339(e.occurred_at));
  put(w, "dialed", e.dialed);
  put_caller(w, e.caller);
  const auto& d = e.device;
  if (!d.id.empty() || !d.kind.empty() || d.mac || d.ip || d.lldp || d.bssid || d.vpn || d.geo) {
    put_object(w, "device", [&] {
      put_if(w, "id", d.id);
      put_if(w, "kind", d.kind);
      if (d.mac) put(w, "mac", d.mac->to_string());
      if (d.ip) put(w, "ip", d.ip->to_string());
      if (d.lldp) put_lldp(w, *d.lldp);
      if (d.bssid) put(w, "bssid", d.bssid->to_string());
      if (d.vpn) {
        w.Key("vpn");
        w.Bool(true);
      }
      if (d.geo) put_geo(w, *d.geo);
    });
  }
  put_if(w, "site_id", e.site_id);
  put_if(w, "pidf_lo", e.pidf_lo);
}

void put_network(Writer& w, std::string_view key, const std::optional<IpAddress>& ip,
                 const std::optional<MacAddress>& bssid) {
  put_object(w, key, [&] {
    if (ip) put(w, "ip", ip->to_string());
    if (bssid) put(w, "bssid", bssid->to_string());
  });
}

std::string encode_location_update(const LocationUpdate& u) {
  return encode_record(kLocationUpdateSchema, [&](Writer& w) {
    put(w, "event_id", u.event_id);
    put(w, "occurred_at", format_rfc3339(u.occurred_at));
    put(w, "user_id", u.user_id);
    put_if(w, "source", u.source);
    w.Key("validated");
    w.Bool(u.validated);
    put_address(w, u.address);
    if (u.network_ip || u.network_bssid) put_network(w, "network", u.network_ip, u.network_bssid);
  });
}

}  // namespace e911::json
