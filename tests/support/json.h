#pragma once
// Reading JSON the code under test wrote (records, request bodies).

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace e911::test {

// The document; check HasParseError() where it matters.
inline rapidjson::Document parse_json(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  return d;
}

// The string member `name` of `v`; empty when `v` is not an object or the
// member is absent or not a string.
inline std::string member_string(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                     : std::string();
}

}  // namespace e911::test
