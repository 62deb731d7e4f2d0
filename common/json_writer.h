#pragma once
// Writing the project's JSON formats (emergency calls, notification
// records, webhook bodies) with RapidJSON's Writer: the key-value helpers
// and the shared shapes, written once.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "common/events.h"

namespace e911::json {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, std::string_view key, std::string_view value);

// A record of `schema`: a JSON object opening with its "schema" field, the
// rest written by `fields(Writer&)`.
template <typename Fields>
std::string encode_record(std::string_view schema, Fields&& fields) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "schema", schema);
  fields(w);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}
// Nothing when `value` is empty: optional fields are left out, not "".
void put_if(Writer& w, std::string_view key, std::string_view value);
// null when `value` is empty: fields the format always carries.
void put_or_null(Writer& w, std::string_view key, std::string_view value);

// "geo": {"lat": ..., "lon": ...[, "accuracy_m": ...]}
void put_geo(Writer& w, const GeoPoint& geo);

// "address": {...}: CONTRACT.md's civic fields that are set, and
// "multi_dwelling": true when it is.
void put_address(Writer& w, const CivicAddress& address);

// "caller": {...} with the fields that are set.
void put_caller(Writer& w, const Caller& caller);
// "lldp": {"chassis_id": ..., "port_id": ...}
void put_lldp(Writer& w, const LldpPort& port);

// The contract's call-event fields of `e` (schema, ids, type, time, dialed,
// caller, device, site, PIDF-LO; empty ones left out) into an open object,
// for producers that add their own section and close it.
void put_call_event_fields(Writer& w, const CallEvent& e);

// "<key>": {"ip": ..., "bssid": ...} with those that are set: the network
// a client saw (location updates, the location service's answers).
void put_network(Writer& w, std::string_view key, const std::optional<IpAddress>& ip,
                 const std::optional<MacAddress>& bssid);

// A location update (e911.location-update/v1) as its one JSON line; empty
// fields are left out.
std::string encode_location_update(const LocationUpdate& u);

}  // namespace e911::json
