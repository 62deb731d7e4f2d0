// The shared fixtures, as they are: events.jsonl must give exactly
// expected.jsonl's fields, and bad-events.jsonl must be reported line by line.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>

#include "consumers/locator/locator_core.h"
#include "consumers/locator/registry_loader.h"
#include "tests/support/files.h"

namespace e911::locator {
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

TEST(Fixtures, EventsGiveExpectedThroughLocatorCore) {
  auto load = load_registry_file(test::shared_fixture("registry.yaml"));
  ASSERT_TRUE(load.ok());
  LocatorCore core(load.registry);
  std::vector<std::string> out;
  for (const auto& line : test::read_lines(test::shared_fixture("events.jsonl"))) {
    auto outcome = core.process(line);
    ASSERT_NE(outcome.kind, Outcome::Kind::rejected) << outcome.reason;
    if (outcome.call) out.push_back(encode_emergency_call(*outcome.call));
  }
  const auto expected = test::read_lines(test::shared_fixture("expected.jsonl"));
  ASSERT_EQ(out.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) expect_matches(expected[i], out[i]);
}

TEST(Fixtures, ResolveCommandGivesExpected) {
  const auto r = test::run_e911("resolve --registry " + test::shared_fixture("registry.yaml"),
                                test::shared_fixture("events.jsonl"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < r.out.size()) {
    const auto nl = r.out.find('\n', start);
    lines.push_back(r.out.substr(start, nl - start));
    start = nl + 1;
  }
  const auto expected = test::read_lines(test::shared_fixture("expected.jsonl"));
  ASSERT_EQ(lines.size(), expected.size()) << r.out;
  for (std::size_t i = 0; i < expected.size(); ++i) expect_matches(expected[i], lines[i]);
}

TEST(Fixtures, BadEventsAreReportedByLineAndTheRestProcessed) {
  const auto r = test::run_e911("resolve --registry " + test::shared_fixture("registry.yaml"),
                                test::shared_fixture("bad-events.jsonl"));
  EXPECT_EQ(r.exit_code, 1);
  const std::vector<std::pair<std::string, std::string>> expected_errors = {
      {"line 1: ", "call_id: missing"},
      {"line 2: ", "occurred_at: not an RFC 3339 timestamp: \"yesterday\""},
      {"line 3: ", "device.ip: not an IP address: \"10.40.1.999\""},
      {"line 4: ", "invalid JSON"},
      {"line 5: ", "invalid JSON"},
      {"line 6: ", "schema: unsupported version \"e911.call-event/v9\""},
      {"line 7: ", "address.country: not an ISO 3166-1 alpha-2 code: \"Narnia\""},
  };
  for (const auto& [prefix, reason] : expected_errors) {
    const auto pos = r.err.find(prefix);
    ASSERT_NE(pos, std::string::npos) << "no report for " << prefix << " in:\n" << r.err;
    const auto eol = r.err.find('\n', pos);
    EXPECT_NE(r.err.substr(pos, eol - pos).find(reason), std::string::npos) << r.err.substr(pos, eol - pos);
  }
  EXPECT_EQ(r.err.find("line 8:"), std::string::npos) << "line 8 is valid";
  // The valid line still produces its call.
  EXPECT_NE(r.out.find("\"call_id\":\"c-b8\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace e911::locator
