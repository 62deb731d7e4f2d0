// The HTTP API's parameter rules (consumers/auditor/api_params.h), pure.

#include "consumers/auditor/api/api_params.h"

#include <gtest/gtest.h>

#include <string>

namespace e911::auditor::api {
namespace {

constexpr EpochMillis kMidnight = 1795219200000;  // 2026-11-21T00:00:00Z
constexpr EpochMillis kDay = 24LL * 60 * 60 * 1000;

QueryParams parsed(std::string_view query) {
  QueryParams p;
  const auto e = parse_query(query, p);
  EXPECT_FALSE(e) << e->message;
  return p;
}

ParamError query_error(std::string_view query) {
  QueryParams p;
  const auto e = parse_query(query, p);
  EXPECT_TRUE(e) << query;
  return e.value_or(ParamError{});
}

ParamError calls_error(std::string_view query) {
  CallsRequest r;
  const auto e = parse_calls_request(parsed(query), r);
  EXPECT_TRUE(e) << query;
  return e.value_or(ParamError{});
}

TEST(ApiParams, DecodesPercentEncodingAndPlusAsSpace) {
  const auto p = parsed("caller=Jane+O%27Brien&site=austin-hq&cursor=a%2Bb%3D");
  EXPECT_EQ(p.at("caller"), "Jane O'Brien");
  EXPECT_EQ(p.at("site"), "austin-hq");
  EXPECT_EQ(p.at("cursor"), "a+b=");
  EXPECT_TRUE(parsed("").empty());
  EXPECT_EQ(parsed("site=a&&limit=5&").size(), 2u);
  EXPECT_EQ(parsed("caller=%C3%89lodie").at("caller"), "\xC3\x89lodie");
}

TEST(ApiParams, RefusesMalformedQueryStrings) {
  EXPECT_EQ(query_error("site=a&site=b").parameter, "site");
  EXPECT_NE(query_error("site=a&site=b").message.find("more than once"), std::string::npos);
  EXPECT_EQ(query_error("site=").parameter, "site");
  EXPECT_EQ(query_error("site").parameter, "site");
  EXPECT_EQ(query_error("site=%zz").parameter, "site");
  EXPECT_EQ(query_error("site=%4").parameter, "site");
  EXPECT_EQ(query_error("caller=%00x").parameter, "caller") << "NUL";
  EXPECT_EQ(query_error("caller=a%0Ab").parameter, "caller") << "line break";
  EXPECT_EQ(query_error("caller=%C3%28").parameter, "caller") << "invalid UTF-8";
  EXPECT_EQ(query_error("caller=" + std::string(kMaxValueBytes + 1, 'x')).parameter, "caller");
  EXPECT_EQ(query_error("%3Cscript%3E=1").parameter, "") << "not a name";
  EXPECT_EQ(query_error(std::string(40, 'n') + "=1").parameter, "");
  EXPECT_NE(query_error(std::string(kMaxQueryBytes + 1, 'a')).message.find("longer"), std::string::npos);
  std::string many;
  for (std::size_t i = 0; i <= kMaxParameters; ++i) many += "p" + std::to_string(i) + "=1&";
  EXPECT_NE(query_error(many).message.find("more than"), std::string::npos);
}

TEST(ApiParams, ReadsEveryCallsFilter) {
  CallsRequest r;
  ASSERT_FALSE(parse_calls_request(parsed("from=2026-11-21&to=2026-11-21T12:00:00.500Z&site=austin-hq&caller=Jane"
                                          "&class=test&dispatchable=false&notified=true&limit=1000&cursor=abc"
                                          "&format=csv"),
                                   r));
  EXPECT_EQ(r.filter.from, kMidnight);
  EXPECT_EQ(r.filter.to, kMidnight + 12 * 3600 * 1000 + 500);
  EXPECT_EQ(r.filter.site, "austin-hq");
  EXPECT_EQ(r.filter.caller, "Jane");
  EXPECT_EQ(r.filter.call_class, "test");
  EXPECT_EQ(r.filter.dispatchable, false);
  EXPECT_EQ(r.filter.notified, true);
  EXPECT_EQ(r.page.limit, 1000u);
  EXPECT_EQ(r.page.cursor, "abc");
  EXPECT_EQ(r.format, OutputFormat::csv);

  ASSERT_FALSE(parse_calls_request(parsed(""), r));
  EXPECT_FALSE(r.filter.from || r.filter.to || r.filter.site || r.filter.caller || r.filter.call_class ||
               r.filter.dispatchable || r.filter.notified);
  EXPECT_EQ(r.page.limit, kDefaultPageSize);
  EXPECT_EQ(r.format, OutputFormat::json);
  ASSERT_FALSE(parse_calls_request(parsed("dispatchable=yes&notified=no"), r));
  EXPECT_EQ(r.filter.dispatchable, true);
  EXPECT_EQ(r.filter.notified, false);
}

TEST(ApiParams, ADateAsToIncludesThatDayAsTheCommandDoes) {
  CallsRequest r;
  ASSERT_FALSE(parse_calls_request(parsed("from=2026-11-21&to=2026-11-21"), r));
  EXPECT_EQ(r.filter.from, kMidnight);
  EXPECT_EQ(r.filter.to, kMidnight + kDay);
  ASSERT_FALSE(parse_calls_request(parsed("from=2026-11-21T10:00:00%2B01:00"), r));
  EXPECT_EQ(r.filter.from, kMidnight + 9 * 3600 * 1000);
}

TEST(ApiParams, EachBadParameterIsNamed) {
  EXPECT_EQ(calls_error("from=yesterday").parameter, "from");
  EXPECT_EQ(calls_error("from=2026-02-30").parameter, "from");
  EXPECT_EQ(calls_error("to=2026-11-21T25:00:00Z").parameter, "to");
  EXPECT_EQ(calls_error("to=1795219200000").parameter, "to");
  EXPECT_EQ(calls_error("from=2026-11-21+10:00:00Z").parameter, "from") << "a space is not the separator here";
  EXPECT_NE(calls_error("from=2026-11-21T10:00:00+01:00").message.find("%2B"), std::string::npos)
      << "an unencoded '+' gets a hint";
  EXPECT_EQ(calls_error("from=2026-11-22&to=2026-11-21").parameter, "to");
  EXPECT_EQ(calls_error("from=2026-11-21T10:00:00Z&to=2026-11-21T10:00:00Z").parameter, "to");
  EXPECT_EQ(calls_error("class=EMERGENCY").parameter, "class");
  EXPECT_EQ(calls_error("dispatchable=1").parameter, "dispatchable");
  EXPECT_EQ(calls_error("notified=maybe").parameter, "notified");
  EXPECT_EQ(calls_error("limit=0").parameter, "limit");
  EXPECT_EQ(calls_error("limit=1001").parameter, "limit");
  EXPECT_EQ(calls_error("limit=-1").parameter, "limit");
  EXPECT_EQ(calls_error("limit=10.5").parameter, "limit");
  EXPECT_EQ(calls_error("limit=99999999999999999999").parameter, "limit");
  EXPECT_EQ(calls_error("format=xml").parameter, "format");
  const auto unknown = calls_error("sort=caller");
  EXPECT_EQ(unknown.parameter, "sort");
  EXPECT_NE(unknown.message.find("unknown parameter"), std::string::npos);
  EXPECT_NE(unknown.message.find("expected one of"), std::string::npos);
}

TEST(ApiParams, TheElinFilterIsAnE164NumberWithItsPlusEncoded) {
  CallsRequest r;
  ASSERT_FALSE(parse_calls_request(parsed("elin=%2B15125550190"), r));
  EXPECT_EQ(r.filter.elin, "+15125550190");
  // Sent unencoded, the '+' arrives as a space: the error says so.
  const auto plus = calls_error("elin=+15125550190");
  EXPECT_EQ(plus.parameter, "elin");
  EXPECT_EQ(plus.message,
            "elin: not an E.164 number (must start with +): \" 15125550190\" (a '+' in a query string is a space: "
            "write %2B)");
  const auto digits = calls_error("elin=%2B1-512-555-0190");
  EXPECT_EQ(digits.parameter, "elin");
  EXPECT_EQ(digits.message, "elin: not an E.164 number (only digits may follow +): \"+1-512-555-0190\"");
  EXPECT_EQ(parameter_named_by(digits.message), "elin");
  // Not a filter of the report.
  ReportRequest report;
  const auto e = parse_report_request(parsed("elin=%2B15125550190"), report);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->parameter, "elin");
}

TEST(ApiParams, MessagesQuoteHostileValuesShortAndEscaped) {
  const auto e = calls_error("from=" + std::string(300, 'x') + "%22%5C");
  EXPECT_LT(e.message.size(), 300u);
}

TEST(ApiParams, ReportTakesRangeSiteAndFormatOnly) {
  ReportRequest r;
  ASSERT_FALSE(parse_report_request(parsed("from=2026-11-01&to=2026-11-30&site=austin-hq&format=csv"), r));
  EXPECT_EQ(r.filter.site, "austin-hq");
  EXPECT_EQ(r.format, OutputFormat::csv);
  EXPECT_EQ(r.filter.to, *parse_time_value("2026-12-01"));
  auto e = parse_report_request(parsed("caller=x"), r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->parameter, "caller");
  e = parse_report_request(parsed("limit=5"), r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->parameter, "limit");
}

TEST(ApiParams, EndpointsWithoutParametersRefuseAny) {
  EXPECT_FALSE(expect_no_parameters(parsed("")));
  const auto e = expect_no_parameters(parsed("fresh=true"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->parameter, "fresh");
  EXPECT_NE(e->message.find("takes none"), std::string::npos);
}

TEST(ApiParams, Routes) {
  Route r;
  EXPECT_FALSE(route_of("/v1/calls", r));
  EXPECT_EQ(r.endpoint, Endpoint::calls);
  EXPECT_FALSE(route_of("/v1/report", r));
  EXPECT_EQ(r.endpoint, Endpoint::report);
  EXPECT_FALSE(route_of("/v1/verify", r));
  EXPECT_EQ(r.endpoint, Endpoint::verify);
  EXPECT_FALSE(route_of("/healthz", r));
  EXPECT_EQ(r.endpoint, Endpoint::healthz);
  EXPECT_FALSE(route_of("/v1/calls/sim-c-28", r));
  EXPECT_EQ(r.endpoint, Endpoint::call);
  EXPECT_EQ(r.call_id, "sim-c-28");
  EXPECT_FALSE(route_of("/v1/calls/c%2F1%20x", r));
  EXPECT_EQ(r.call_id, "c/1 x");
  EXPECT_FALSE(route_of("/v1/calls/a+b", r));
  EXPECT_EQ(r.call_id, "a+b") << "'+' is a space only in query strings";
  for (const char* path : {"/", "/v1", "/v1/calls/", "/v1/calls/a/b", "/v2/calls", "/V1/calls", "/v1/calls/../verify",
                           "/healthz/", "/metrics"}) {
    EXPECT_FALSE(route_of(path, r)) << path;
    EXPECT_EQ(r.endpoint, Endpoint::not_found) << path;
  }
  auto e = route_of("/v1/calls/%zz", r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->parameter, "call_id");
  e = route_of("/v1/calls/a%00b", r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->parameter, "call_id");
  e = route_of("/v1/calls/" + std::string(kMaxCallIdBytes + 1, 'c'), r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->parameter, "call_id");
  EXPECT_EQ(endpoint_label(Endpoint::not_found), "other");
}

TEST(ApiParams, SplitsRequestTargets) {
  std::string path, query;
  EXPECT_FALSE(split_request_target("/v1/calls?site=a&limit=2", path, query));
  EXPECT_EQ(path, "/v1/calls");
  EXPECT_EQ(query, "site=a&limit=2");
  EXPECT_FALSE(split_request_target("/healthz", path, query));
  EXPECT_EQ(query, "");
  EXPECT_TRUE(split_request_target("http://example.com/v1/calls", path, query));
  EXPECT_TRUE(split_request_target("*", path, query));
  EXPECT_TRUE(split_request_target("/v1/calls#x", path, query));
  EXPECT_TRUE(split_request_target("/" + std::string(kMaxRequestTargetBytes, 'a'), path, query));
}

TEST(ApiParams, NextLinksKeepTheFiltersAndReplaceTheCursor) {
  const auto p = parsed("site=austin+hq&cursor=old&limit=2&caller=O%27Brien%26Co");
  EXPECT_EQ(next_page_link("/v1/calls", p, "n/x+y="), "/v1/calls?caller=O%27Brien%26Co&cursor=n%2Fx%2By%3D&limit=2&site=austin%20hq");
  // What the link says is what it was built from.
  std::string path, query;
  ASSERT_FALSE(split_request_target(next_page_link("/v1/calls", p, "n/x+y="), path, query));
  const auto again = parsed(query);
  EXPECT_EQ(again.at("caller"), "O'Brien&Co");
  EXPECT_EQ(again.at("cursor"), "n/x+y=");
  EXPECT_EQ(again.at("site"), "austin hq");
}

TEST(ApiParams, ErrorsFromTheQueryNameTheirParameter) {
  EXPECT_EQ(parameter_named_by("cursor: not a cursor this service issued"), "cursor");
  EXPECT_EQ(parameter_named_by("limit: must be 1 to 1000"), "limit");
  EXPECT_EQ(parameter_named_by("audit store sqlite:/x: query failed"), "");
  EXPECT_EQ(parameter_named_by("no colon"), "");
}

}  // namespace
}  // namespace e911::auditor::api
