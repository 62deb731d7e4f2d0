#include "consumers/auditor/api/api_params.h"

#include <array>
#include <set>
#include <tuple>
#include <utility>

#include "common/enum_names.h"
#include "common/text.h"
#include "common/encoding.h"
#include "common/net/query_link.h"
#include "consumers/auditor/query/call_filter_params.h"

namespace e911::auditor::api {
namespace {

constexpr std::size_t kQuotedChars = 60;

ParamError error(std::string parameter, std::string message) {
  return ParamError{std::move(parameter), std::move(message)};
}

const std::string* find(const QueryParams& params, std::string_view name) {
  const auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

std::optional<ParamError> read_format(const QueryParams& params, OutputFormat& out) {
  const std::string* v = find(params, "format");
  if (!v) return std::nullopt;
  if (*v == "json") {
    out = OutputFormat::json;
  } else if (*v == "csv") {
    out = OutputFormat::csv;
  } else {
    return error("format", "format: expected json or csv, got " + quote_for_message(*v, kQuotedChars));
  }
  return std::nullopt;
}

std::optional<ParamError> not_a_time(const std::string& name, const std::string& value) {
  std::string hint;
  // "2026-11-21T10:00:00+01:00" sent unencoded: its '+' arrived as a space.
  if (value.size() > 19 && value.find(' ', 19) != std::string::npos) {
    hint = " (a '+' in a query string is a space: write %2B)";
  }
  return error(name, name + ": not a time (RFC 3339, e.g. 2026-11-21T10:15:00Z, or a date, e.g. 2026-11-21): " +
                         quote_for_message(value, kQuotedChars) + hint);
}

std::optional<ParamError> read_page(const QueryParams& params, PageRequest& page) {
  if (const std::string* v = find(params, "limit")) {
    std::size_t n = 0;
    bool digits = !v->empty() && v->size() <= 4;
    for (char c : *v) {
      if (c < '0' || c > '9') {
        digits = false;
        break;
      }
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (!digits || n < 1 || n > kMaxPageSize) {
      return error("limit", "limit: expected a whole number from 1 to " + std::to_string(kMaxPageSize) + ", got " +
                                quote_for_message(*v, kQuotedChars));
    }
    page.limit = n;
  }
  if (const std::string* v = find(params, "cursor")) page.cursor = *v;
  return std::nullopt;
}

// The filter parameters of `names` (call_filter_params.h: the rules the
// command line shares), a problem worded for the API.
std::optional<ParamError> read_filter(const QueryParams& params, std::initializer_list<std::string_view> names,
                                      CallFilter& filter) {
  const auto problem =
      read_call_filter([&](std::string_view name) { return find(params, name); }, names, filter);
  if (!problem) return std::nullopt;
  const auto& name = problem->name;
  const auto quoted = quote_for_message(problem->value, kQuotedChars);
  switch (problem->kind) {
    case FilterProblem::Kind::not_a_time:
      return not_a_time(name, problem->value);
    case FilterProblem::Kind::not_after:
      return error("to", "to: " + format_rfc3339(*filter.to) + " is not after from " + format_rfc3339(*filter.from));
    case FilterProblem::Kind::empty:
      return error(name, name + ": empty");
    case FilterProblem::Kind::not_a_class:
      return error(name, "class: expected emergency or test, got " + quoted);
    case FilterProblem::Kind::not_a_bool:
      return error(name, name + ": expected true or false (or yes or no), got " + quoted);
    case FilterProblem::Kind::not_e164:
      // "+15125550190" sent unencoded: its '+' arrived as a space.
      return error(name, name + ": " + problem->detail +
                             (problem->value.starts_with(' ') ? " (a '+' in a query string is a space: write %2B)" : ""));
  }
  return error(name, name + ": not valid");
}

}  // namespace

std::string_view endpoint_label(Endpoint endpoint) {
  // Endpoint::not_found has no label of its own: it counts as "other".
  static constexpr auto kLabels = enum_names<Endpoint>({{Endpoint::calls, "calls"},
                                                        {Endpoint::call, "call"},
                                                        {Endpoint::report, "report"},
                                                        {Endpoint::registrations, "registrations"},
                                                        {Endpoint::verify, "verify"},
                                                        {Endpoint::healthz, "healthz"}});
  return kLabels.name(endpoint, "other");
}

std::optional<ParamError> route_of(std::string_view path, Route& route) {
  route = Route{};
  constexpr std::string_view kCallPrefix = "/v1/calls/";
  if (path == "/v1/calls") {
    route.endpoint = Endpoint::calls;
  } else if (path == "/v1/report") {
    route.endpoint = Endpoint::report;
  } else if (path == "/v1/registrations") {
    route.endpoint = Endpoint::registrations;
  } else if (path == "/v1/verify") {
    route.endpoint = Endpoint::verify;
  } else if (path == "/healthz") {
    route.endpoint = Endpoint::healthz;
  } else if (path.substr(0, kCallPrefix.size()) == kCallPrefix) {
    const std::string_view raw = path.substr(kCallPrefix.size());
    if (raw.empty() || raw.find('/') != std::string_view::npos) return std::nullopt;  // not found
    auto id = percent_decode(raw, /*plus_is_space=*/false);
    if (!id) return error("call_id", "call_id: bad percent-encoding in " + quote_for_message(raw, kQuotedChars));
    if (id->empty() || id->size() > kMaxCallIdBytes || !is_clean_utf8(*id)) {
      return error("call_id", "call_id: expected 1 to " + std::to_string(kMaxCallIdBytes) +
                                  " bytes of UTF-8 without control characters, got " +
                                  quote_for_message(*id, kQuotedChars));
    }
    route.endpoint = Endpoint::call;
    route.call_id = std::move(*id);
  }
  return std::nullopt;
}

std::optional<ParamError> split_request_target(std::string_view target, std::string& path, std::string& query) {
  if (target.size() > kMaxRequestTargetBytes) {
    return error("", "the request target is longer than " + std::to_string(kMaxRequestTargetBytes) + " bytes");
  }
  if (target.empty() || target.front() != '/') return error("", "the request target must be a path (/v1/...)");
  if (target.find('#') != std::string_view::npos) return error("", "the request target must not hold a fragment");
  const auto q = target.find('?');
  path = std::string(target.substr(0, q));
  query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  return std::nullopt;
}


std::optional<EpochMillis> parse_time_value(std::string_view text, bool end_of_day) {
  return parse_filter_time(text, end_of_day);
}

std::optional<ParamError> parse_calls_request(const QueryParams& params, CallsRequest& request) {
  request = CallsRequest{};
  if (auto e = only_known(params, {"from", "to", "site", "caller", "class", "dispatchable", "notified", "failed",
                                   "escalated", "elin", "limit", "cursor", "format"})) {
    return e;
  }
  if (auto e = read_filter(params,
                           {"from", "to", "site", "caller", "class", "dispatchable", "notified", "failed", "escalated",
                            "elin"},
                           request.filter)) {
    return e;
  }
  if (auto e = read_page(params, request.page)) return e;
  return read_format(params, request.format);
}

std::optional<ParamError> parse_report_request(const QueryParams& params, ReportRequest& request) {
  request = ReportRequest{};
  if (auto e = only_known(params, {"from", "to", "site", "format"})) return e;
  if (auto e = read_filter(params, {"from", "to", "site"}, request.filter)) return e;
  return read_format(params, request.format);
}

std::optional<ParamError> parse_registrations_request(const QueryParams& params, RegistrationsRequest& request) {
  request = RegistrationsRequest{};
  if (auto e = only_known(params, {"user_id", "since", "until", "limit", "cursor", "format"})) return e;
  if (const std::string* v = find(params, "user_id")) request.filter.user_id = *v;
  for (const auto& [name, end_of_day, target] : {std::tuple{"since", false, &request.filter.since},
                                                  std::tuple{"until", true, &request.filter.until}}) {
    if (const std::string* v = find(params, name)) {
      *target = parse_filter_time(*v, end_of_day);
      if (!*target) return not_a_time(name, *v);
    }
  }
  const auto& f = request.filter;
  if (f.since && f.until && *f.until <= *f.since) {
    return error("until", "until: " + format_rfc3339(*f.until) + " is not after since " + format_rfc3339(*f.since));
  }
  if (auto e = read_page(params, request.page)) return e;
  return read_format(params, request.format);
}

std::optional<ParamError> expect_no_parameters(const QueryParams& params) { return only_known(params, {}); }

std::string next_page_link(std::string_view path, const QueryParams& params, std::string_view cursor) {
  QueryParams next = params;
  next.insert_or_assign("cursor", std::string(cursor));
  return net::link_with_query(path, next);
}

std::string parameter_named_by(std::string_view message) {
  static const std::array<std::string_view, 14> kNames = {
      "from",     "to",     "site",   "caller", "class",   "limit", "dispatchable",
      "notified", "cursor", "format", "elin",   "user_id", "since", "until"};
  const auto colon = message.find(':');
  if (colon == std::string_view::npos) return {};
  const auto name = message.substr(0, colon);
  for (auto n : kNames) {
    if (n == name) return std::string(n);
  }
  return {};
}

}  // namespace e911::auditor::api
