#include "common/json_writer.h"

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

}  // namespace e911::json
