#include "cli/call_display.h"

#include <rapidjson/document.h>

#include "common/civic_address.h"
#include "common/events.h"

namespace e911::cli {
namespace {

std::string str(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject()) return {};
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

}  // namespace

std::optional<std::string> describe_emergency_call(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || str(doc, "schema") != "e911.emergency-call/v1") return std::nullopt;
  const auto& caller = doc["caller"];
  const auto& loc = doc["location"];
  const bool test = str(doc, "class") == "test";
  const bool dispatchable = loc.HasMember("dispatchable") && loc["dispatchable"].IsTrue();

  std::string out = test ? "TEST CALL" : "EMERGENCY CALL";
  out += "  dialed " + str(doc, "dialed") + "  call " + str(doc, "call_id") + "  at " + str(doc, "occurred_at") + "\n";
  out += "  caller    " + (str(caller, "name").empty() ? str(caller, "user_id") : str(caller, "name"));
  if (!str(caller, "extension").empty()) out += " (ext " + str(caller, "extension") + ")";
  if (!str(caller, "callback").empty()) out += ", callback " + str(caller, "callback");
  out += "\n  location  " + str(loc, "label") + "  [" + str(loc, "source") + ", " +
         (dispatchable ? "dispatchable" : "NOT dispatchable") + "] -> " +
         (str(doc, "routing") == "ecrc" ? "emergency call relay centre" : "PSAP") + "\n";
  if (loc.HasMember("address") && loc["address"].IsObject()) {
    CivicAddress a;
    for (const auto& f : civic_fields()) a.*f.member = str(loc["address"], std::string(f.json_name).c_str());
    out += "  address   " + one_line(a) + "\n";
  }
  if (!str(doc, "elin").empty()) out += "  elin      " + str(doc, "elin") + " (the callback number the PSAP sees)\n";
  const auto notify = doc.FindMember("notify");
  out += "  notify    " +
         (notify != doc.MemberEnd() && notify->value.IsString() ? std::string(notify->value.GetString()) : "(nobody)") +
         "\n";
  if (doc.HasMember("warnings") && doc["warnings"].IsArray() && !doc["warnings"].Empty()) {
    out += "  warnings ";
    for (const auto& w : doc["warnings"].GetArray()) {
      if (w.IsString()) out += std::string(" ") + w.GetString();
    }
    out += "\n";
  }
  return out;
}

}  // namespace e911::cli
