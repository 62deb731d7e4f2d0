#include "common/net/json_response.h"

namespace e911::net {

HttpResponse json_response(int status, const std::function<void(json::Writer&)>& fill) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  fill(w);
  w.EndObject();
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body.assign(buffer.GetString(), buffer.GetSize());
  return r;
}

HttpResponse error_response(int status, std::string_view message) {
  return json_response(status, [&](json::Writer& w) { json::put(w, "error", message); });
}

}  // namespace e911::net
