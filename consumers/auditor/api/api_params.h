#pragma once
// The auditors' HTTP API (`e911 audit serve`, audit_api.h): its routes and
// the validation of every request parameter, before anything reaches the
// store. Kept pure (no I/O) and apart from the server so each rule is
// tested directly (tests/auditor/api_params_test.cpp) and the server only
// turns a ParamError into 400 {"error": ..., "parameter": ...}.
//
// Rules (docs/auditor.md, "HTTP API"):
//   - the query string as common/net/query_params.h decodes it; each
//     parameter known to the endpoint;
//   - times: RFC 3339 ("2026-11-21T10:15:00Z", offsets allowed) or a date
//     "2026-11-21" (UTC); `from` is inclusive, `to` exclusive and after
//     `from`, and to=DATE includes that whole day (as `e911 audit query`);
//   - booleans: true or false (yes or no, as the command takes them);
//     limit: 1..kMaxPageSize; class: emergency or test; format: json or csv.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/encoding.h"
#include "common/net/query_params.h"
#include "common/timestamp.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/query/registration_query.h"

namespace e911::auditor::api {

using net::kMaxParameters;
using net::kMaxQueryBytes;
using net::kMaxValueBytes;
using net::only_known;
using net::ParamError;
using net::parse_query;
using net::QueryParams;

inline constexpr std::size_t kMaxRequestTargetBytes = 4096;  // path and query, as sent
inline constexpr std::size_t kMaxCallIdBytes = 256;     // decoded


enum class Endpoint { calls, call, report, registrations, verify, healthz, not_found };

// "calls", "call", "report", "registrations", "verify", "healthz",
// "other": metric labels.
std::string_view endpoint_label(Endpoint endpoint);

struct Route {
  Endpoint endpoint = Endpoint::not_found;
  std::string call_id;  // Endpoint::call: decoded
};

// The route of a request path (without the query string, not decoded):
//   /v1/calls, /v1/calls/{call_id}, /v1/report, /v1/registrations,
//   /v1/verify, /healthz.
// A call id is percent-decoded and must be clean UTF-8 of 1 to
// kMaxCallIdBytes bytes; otherwise an error for parameter "call_id".
std::optional<ParamError> route_of(std::string_view path, Route& route);

// Splits an origin-form request target ("/v1/calls?site=x") into its path
// and query string (without '?'; a '#' fragment is refused). Error for
// anything else (absolute-form, over kMaxRequestTargetBytes).
std::optional<ParamError> split_request_target(std::string_view target, std::string& path, std::string& query);


enum class OutputFormat { json, csv };

struct CallsRequest {
  CallFilter filter;
  PageRequest page;
  OutputFormat format = OutputFormat::json;
};

struct ReportRequest {
  CallFilter filter;  // from, to, site
  OutputFormat format = OutputFormat::json;
};

struct RegistrationsRequest {
  RegistrationFilter filter;
  PageRequest page;
  OutputFormat format = OutputFormat::json;
};

// GET /v1/calls: from, to, site, caller, class, dispatchable, notified,
// failed, escalated, elin, limit, cursor, format.
std::optional<ParamError> parse_calls_request(const QueryParams& params, CallsRequest& request);
// GET /v1/report: from, to, site, format.
std::optional<ParamError> parse_report_request(const QueryParams& params, ReportRequest& request);
// GET /v1/registrations: user_id, since, until (times as from and to),
// limit, cursor, format.
std::optional<ParamError> parse_registrations_request(const QueryParams& params, RegistrationsRequest& request);
// Endpoints that take none (/v1/calls/{id}, /v1/verify; /healthz ignores its query).
std::optional<ParamError> expect_no_parameters(const QueryParams& params);

// A time parameter's value: RFC 3339 (with 'T'), or YYYY-MM-DD as that
// day's midnight UTC (`end_of_day`: the next midnight).
std::optional<EpochMillis> parse_time_value(std::string_view text, bool end_of_day = false);

// The link to the next page of `path` (/v1/calls, /v1/registrations): the
// request's parameters with `cursor` replaced, percent-encoded, in name
// order ("/v1/calls?class=emergency&cursor=...&limit=50").
std::string next_page_link(std::string_view path, const QueryParams& params, std::string_view cursor);


// Which parameter an error from query_calls names ("cursor: not a cursor
// this service issued" -> "cursor"); empty when it names none of ours.
std::string parameter_named_by(std::string_view message);

}  // namespace e911::auditor::api
