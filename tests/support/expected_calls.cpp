#include "tests/support/expected_calls.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>

namespace e911::test {

namespace {

// Where each expected.jsonl field lives in an emergency-call document.
const std::map<std::string, std::string> kFieldPaths = {
    {"call_id", "/call_id"},          {"country", "/country"},
    {"source", "/location/source"},   {"site_id", "/location/site_id"},
    {"zone_id", "/location/zone_id"}, {"dispatchable", "/location/dispatchable"},
    {"routing", "/routing"},          {"warnings", "/warnings"},
    {"notify", "/notify"},            {"room", "/location/address/room"},
    {"unit", "/location/address/unit"}, {"class", "/class"},
};

const rapidjson::Value* at(const rapidjson::Document& doc, const std::string& pointer) {
  const rapidjson::Value* v = &doc;
  std::size_t p = 1;
  while (p <= pointer.size()) {
    const auto next = pointer.find('/', p);
    const std::string key = pointer.substr(p, next == std::string::npos ? std::string::npos : next - p);
    if (!v->IsObject() || !v->HasMember(key.c_str())) return nullptr;
    v = &(*v)[key.c_str()];
    if (next == std::string::npos) break;
    p = next + 1;
  }
  return v;
}

}  // namespace

void expect_matches(const std::string& expected_line, const std::string& actual_line) {
  rapidjson::Document expected, actual;
  expected.Parse(expected_line.c_str());
  actual.Parse(actual_line.c_str());
  ASSERT_FALSE(expected.HasParseError());
  ASSERT_FALSE(actual.HasParseError()) << actual_line;
  const std::string call = expected["call_id"].GetString();
  for (auto it = expected.MemberBegin(); it != expected.MemberEnd(); ++it) {
    const std::string field = it->name.GetString();
    ASSERT_TRUE(kFieldPaths.count(field)) << "unmapped expected field " << field;
    const auto* got = at(actual, kFieldPaths.at(field));
    ASSERT_NE(got, nullptr) << call << ": missing " << field << " in " << actual_line;
    EXPECT_TRUE(*got == it->value) << call << ": " << field << " differs in " << actual_line;
  }
  // Fields the fixture leaves out for a call must not be made up either.
  for (const char* optional : {"site_id", "zone_id"}) {
    if (!expected.HasMember(optional)) {
      EXPECT_EQ(at(actual, kFieldPaths.at(optional)), nullptr) << call << ": unexpected " << optional;
    }
  }
}

}  // namespace e911::test
