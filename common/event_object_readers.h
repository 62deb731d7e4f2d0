#pragma once
// Readers of the JSON objects that both the call events (events.h) and the
// emergency calls the notifier reads (consumers/notifier/
// emergency_call_view.h) carry: the caller and a geodetic point, the
// reverse of json::put_geo. One reader each, so both documents accept and
// refuse the same objects with the same errors.

#include <string>

#include "common/events.h"
#include "common/json_reader.h"
#include "common/result.h"

namespace e911 {

// The "caller" object: user_id, name, extension and callback, each an
// optional string. Errors name the field under "caller".
Result<Caller> read_caller(const rapidjson::Value& object, const JsonLimits& limits);

// A {"lat", "lon"[, "accuracy_m"]} object: lat and lon required and in
// range ([-90, 90], [-180, 180]), accuracy_m optional and not negative.
// Errors name the field under `path` ("device.geo.lat: missing").
Result<GeoPoint> read_geo_point(const rapidjson::Value& object, const std::string& path, const JsonLimits& limits);

}  // namespace e911
