#include "common/event_object_readers.h"

namespace e911 {

Result<Caller> read_caller(const rapidjson::Value& object, const JsonLimits& limits) {
  FieldReader r(object, "caller", limits);
  Caller c;
  r.optional_string("user_id", c.user_id);
  r.optional_string("name", c.name);
  r.optional_string("extension", c.extension);
  r.optional_string("callback", c.callback);
  if (!r.ok()) return *r.error();
  return c;
}

Result<GeoPoint> read_geo_point(const rapidjson::Value& object, const std::string& path, const JsonLimits& limits) {
  FieldReader r(object, path, limits);
  GeoPoint p;
  bool has_lat = false, has_lon = false, has_acc = false;
  double acc = 0;
  r.optional_number("lat", p.lat, has_lat);
  r.optional_number("lon", p.lon, has_lon);
  r.optional_number("accuracy_m", acc, has_acc);
  if (r.ok() && !has_lat) r.fail("lat", "missing");
  if (r.ok() && !has_lon) r.fail("lon", "missing");
  if (r.ok() && (p.lat < -90 || p.lat > 90)) r.fail("lat", "out of range [-90, 90]");
  if (r.ok() && (p.lon < -180 || p.lon > 180)) r.fail("lon", "out of range [-180, 180]");
  if (r.ok() && has_acc && acc < 0) r.fail("accuracy_m", "negative");
  if (!r.ok()) return *r.error();
  if (has_acc) p.accuracy_m = acc;
  return p;
}

}  // namespace e911
