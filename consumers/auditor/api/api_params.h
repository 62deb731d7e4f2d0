#pragma once
// The auditors' HTTP API (`e911 audit serve`, audit_api.h): its routes and
// the validation of every request parameter, before anything reaches the
// store. Kept pure (no I/O) and apart from the server so each rule is
// tested directly (tests/auditor/api_params_test.cpp) and the server only
// turns a ParamError into 400 {"error": ..., "parameter": ...}.
//
// Rules (docs/auditor.md, "HTTP API"):
//   - the query string: at most kMaxQueryBytes, kMaxParameters parameters;
//     names and values percent-decoded ('+' is a space); bad
//     percent-encoding, invalid UTF-8 and control characters refused;
//   - each parameter at most once, known to the endpoint, with a non-empty
//     value of at most kMaxValueBytes;
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
#include "common/timestamp.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/query/registration_query.h"

namespace e911::auditor::api {

inline constexpr std::size_t kMaxRequestTargetBytes = 4096;  // path and query, as sent
inline constexpr std::size_t kMaxQueryBytes = 2048;
inline constexpr std::size_t kMaxParameters = 16;
inline constexpr std::size_t kMaxValueBytes = 512;      // decoded
inline constexpr std::size_t kMaxCallIdBytes = 256;     // decoded

// What is wrong with a request, for a 400 response.
struct ParamError {
  std::string parameter;  // the parameter at fault; empty when it is not one parameter
  std::string message;    // says what is wrong and with which value (cut short)
};

// Decoded parameters by name (ordered, so links built from them are
// canonical).
using QueryParams = std::map<std::string, std::string, std::less<>>;

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

// Decodes a query string into `params` (rules above).
std::optional<ParamError> parse_query(std::string_view query, QueryParams& params);

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

// GET /v1/calls: from, to, site, caller, class, dispatchable, notified, elin,
// limit, cursor, format.
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
