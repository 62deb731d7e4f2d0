// The call-filter rules that `e911 audit query|report` and the HTTP API
// share (consumers/auditor/query/call_filter_params.h).

#include "consumers/auditor/query/call_filter_params.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "consumers/auditor/api/api_params.h"

namespace e911::auditor {
namespace {

using Given = std::map<std::string, std::string, std::less<>>;

std::optional<FilterProblem> read(const Given& given, CallFilter& filter) {
  return read_call_filter(
      [&](std::string_view name) -> const std::string* {
        const auto it = given.find(name);
        return it == given.end() ? nullptr : &it->second;
      },
      {"from", "to", "site", "caller", "class", "dispatchable", "notified", "elin"}, filter);
}

TEST(CallFilterParams, ReadsEveryField) {
  CallFilter f;
  ASSERT_FALSE(read({{"from", "2026-11-01"},
                     {"to", "2026-11-30"},
                     {"site", "london-hq"},
                     {"caller", "u-1"},
                     {"class", "test"},
                     {"dispatchable", "no"},
                     {"notified", "true"},
                     {"elin", "+15125550190"}},
                    f));
  EXPECT_EQ(*f.from, *parse_rfc3339("2026-11-01T00:00:00Z"));
  EXPECT_EQ(*f.to, *parse_rfc3339("2026-12-01T00:00:00Z"));  // the whole 30th
  EXPECT_EQ(*f.site, "london-hq");
  EXPECT_EQ(*f.caller, "u-1");
  EXPECT_EQ(*f.call_class, "test");
  EXPECT_FALSE(*f.dispatchable);
  EXPECT_TRUE(*f.notified);
  EXPECT_EQ(*f.elin, "+15125550190");
}

TEST(CallFilterParams, OnlyTheNamedFieldsAreRead) {
  CallFilter f;
  const Given given{{"site", "london-hq"}, {"class", "drill"}};
  const auto problem = read_call_filter(
      [&](std::string_view name) -> const std::string* {
        const auto it = given.find(name);
        return it == given.end() ? nullptr : &it->second;
      },
      {"from", "to", "site"}, f);
  EXPECT_FALSE(problem);
  EXPECT_EQ(*f.site, "london-hq");
  EXPECT_FALSE(f.call_class);
}

TEST(CallFilterParams, EachProblemNamesItsParameter) {
  const std::vector<std::pair<Given, std::pair<std::string, FilterProblem::Kind>>> cases = {
      {{{"from", "yesterday"}}, {"from", FilterProblem::Kind::not_a_time}},
      {{{"to", "2026-13-01"}}, {"to", FilterProblem::Kind::not_a_time}},
      {{{"from", "2026-11-02"}, {"to", "2026-11-01"}}, {"to", FilterProblem::Kind::not_after}},
      {{{"site", ""}}, {"site", FilterProblem::Kind::empty}},
      {{{"class", "drill"}}, {"class", FilterProblem::Kind::not_a_class}},
      {{{"notified", "1"}}, {"notified", FilterProblem::Kind::not_a_bool}},
      {{{"elin", "15125550190"}}, {"elin", FilterProblem::Kind::not_e164}},
  };
  for (const auto& [given, expected] : cases) {
    CallFilter f;
    const auto problem = read(given, f);
    ASSERT_TRUE(problem) << expected.first;
    EXPECT_EQ(problem->name, expected.first);
    EXPECT_EQ(problem->kind, expected.second) << expected.first;
  }
}

// An ELIN is E.164 as the schemas have it: '+', a country code, 8 to 15
// digits in all; whether libphonenumber knows the range does not matter
// (the journal holds what was conveyed).
TEST(CallFilterParams, AnElinIsAnE164NumberAndTheProblemSaysWhatIsWrong) {
  for (const std::string good : {"+15125550190", "+442079460101", "+12345678", "+123456789012345"}) {
    CallFilter f;
    EXPECT_FALSE(read({{"elin", good}}, f)) << good;
    EXPECT_EQ(f.elin, good);
  }
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"15125550190", "must start with +"},
      {" 15125550190", "must start with +"},  // an unencoded '+' in a query string
      {"+1 512 555 0190", "only digits may follow +"},
      {"+1512555019x", "only digits may follow +"},
      {"+1234567", "must have 8 to 15 digits"},
      {"+1234567890123456", "must have 8 to 15 digits"},
      {"+05125550190", "a country code never starts with 0"},
      {"", "must start with +"},
  };
  for (const auto& [value, why] : bad) {
    CallFilter f;
    const auto problem = read({{"elin", value}}, f);
    ASSERT_TRUE(problem) << value;
    EXPECT_EQ(problem->name, "elin");
    EXPECT_EQ(problem->kind, FilterProblem::Kind::not_e164);
    EXPECT_EQ(problem->value, value);
    EXPECT_NE(problem->detail.find(why), std::string::npos) << problem->detail;
    EXPECT_FALSE(f.elin);
  }
}

// The one rule both front ends follow: 'T' between date and time (a space
// is what an unencoded '+' becomes in a query string). Before, the command
// took "2026-11-21 10:00:00Z" and the API refused it.
TEST(CallFilterParams, TheCommandAndTheApiAgreeOnTimes) {
  for (const std::string text : {"2026-11-21T10:00:00Z", "2026-11-21t10:00:00Z", "2026-11-21T10:00:00+01:00",
                                 "2026-11-21", "2026-11-21 10:00:00Z", "2026-11-21T25:00:00Z", "21/11/2026"}) {
    const auto shared = parse_filter_time(text, false);
    EXPECT_EQ(shared, api::parse_time_value(text, false)) << text;
    CallFilter f;
    const auto problem = read({{"from", text}}, f);
    EXPECT_EQ(problem.has_value(), !shared.has_value()) << text;
  }
  EXPECT_FALSE(parse_filter_time("2026-11-21 10:00:00Z", false));
  EXPECT_TRUE(parse_filter_time("2026-11-21T10:00:00Z", false));
}

}  // namespace
}  // namespace e911::auditor
