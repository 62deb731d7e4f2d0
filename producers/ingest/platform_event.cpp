#include "producers/ingest/platform_event.h"

namespace e911::ingest {

Result<std::string> platform_call_event_json(const CallEvent& event, std::string_view section,
                                             const std::function<void(json::Writer&)>& write_section) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::put_call_event_fields(w, event);
  w.Key(section.data(), static_cast<rapidjson::SizeType>(section.size()));
  w.StartObject();
  write_section(w);
  w.EndObject();
  w.EndObject();
  std::string json(buffer.GetString(), buffer.GetSize());
  if (auto check = decode_input_event(json); !check) return Error{"mapped event: " + check.error().message};
  return json;
}

}  // namespace e911::ingest
