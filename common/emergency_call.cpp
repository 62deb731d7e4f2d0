#include "common/emergency_call.h"

#include "common/json_writer.h"

namespace e911 {
namespace {

using json::put;
using json::put_if;
using json::put_or_null;
using json::Writer;

void write_device(Writer& w, const Device& d) {
  w.StartObject();
  put_if(w, "id", d.id);
  put_if(w, "kind", d.kind);
  if (d.mac) put(w, "mac", d.mac->to_string());
  if (d.ip) put(w, "ip", d.ip->to_string());
  if (d.lldp) json::put_lldp(w, *d.lldp);
  if (d.bssid) put(w, "bssid", d.bssid->to_string());
  w.Key("vpn");
  w.Bool(d.vpn);
  w.EndObject();
}

}  // namespace

std::string encode_emergency_call(const EmergencyCall& c) {
  return json::encode_record(kEmergencyCallSchema, [&](Writer& w) {
    put_if(w, "event_id", c.event_id);
    put(w, "call_id", c.call_id);
    put(w, "class", c.call_class);
    put(w, "dialed", c.dialed);
    put(w, "occurred_at", format_rfc3339(c.occurred_at));
    put_or_null(w, "country", c.country);

    json::put_caller(w, c.caller);

    w.Key("device");
    write_device(w, c.device);
    put_if(w, "site_id", c.site_id);

    const auto& l = c.location;
    w.Key("location");
    w.StartObject();
    put(w, "source", l.source);
    w.Key("dispatchable");
    w.Bool(l.dispatchable);
    put_if(w, "site_id", l.site_id);
    put_if(w, "zone_id", l.zone_id);
    put_if(w, "label", l.label);
    put_if(w, "method", l.method);
    if (l.address) json::put_address(w, *l.address);
    if (l.geo) json::put_geo(w, *l.geo);
    if (l.registered_at) put(w, "registered_at", format_rfc3339(*l.registered_at));
    if (l.validated) {
      w.Key("validated");
      w.Bool(*l.validated);
    }
    w.EndObject();

    put(w, "routing", c.routing);
    w.Key("warnings");
    w.StartArray();
    for (auto code : c.warnings) w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
    w.EndArray();
    put_or_null(w, "notify", c.notify);
    if (!c.elin.empty()) put(w, "elin", c.elin);
    put(w, "pidf_lo", c.pidf_lo);
    if (c.resolved_at) put(w, "resolved_at", format_rfc3339(*c.resolved_at));
  });
}

}  // namespace e911
