#include "consumers/auditor/api/audit_api.h"

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "common/log.h"
#include "common/timestamp.h"
#include "consumers/auditor/api/api_params.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/query/call_rendering.h"
#include "consumers/auditor/query/registration_rendering.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/report/journal_verification.h"
#include "common/net/http_server.h"

namespace e911::auditor::api {
namespace {

using net::HttpRequest;
using net::HttpResponse;
using Clock = std::chrono::steady_clock;

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kCsv = "text/csv; charset=utf-8; header=present";
constexpr const char* kRealm = "Bearer realm=\"e911-audit\"";

const Logger& logger() {
  static const Logger log("audit-api");
  return log;
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(JsonWriter& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

std::string error_json(std::string_view message, std::string_view parameter = {}) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("error");
  write_string(w, message);
  if (!parameter.empty()) {
    w.Key("parameter");
    write_string(w, parameter);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

// The JSON answer of a paged endpoint: {"<member>":<array>,
// "next_cursor":...,"next":...}, both null on the last page.
std::string page_json(std::string_view member, const std::string& array, const std::string& cursor,
                      const std::string& next) {
  std::string body = "{\"" + std::string(member) + "\":" + array + ",\n\"next_cursor\":";
  if (next.empty()) return body + "null,\"next\":null}\n";
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write_string(w, cursor);
  body += std::string(buf.GetString(), buf.GetSize()) + ",\"next\":";
  buf.Clear();
  JsonWriter w2(buf);
  write_string(w2, next);
  return body + std::string(buf.GetString(), buf.GetSize()) + "}\n";
}

// What one request ended as, for the metrics and the log line.
struct Outcome {
  Endpoint endpoint = Endpoint::not_found;
  int status = 0;
  std::string client;  // the token's name once accepted
};


}  // namespace

// ---------------------------------------------------------------- service ----

class AuditApiServer::Service {
 public:
  Service(AuditStore& store, net::ApiTokenFile& tokens, Keyring keyring, observability::MetricsRegistry metrics,
          std::chrono::seconds verify_cache)
      : metrics_(std::move(metrics)),
        store_(store),
        tokens_(tokens),
        keyring_(std::move(keyring)),
        verify_cache_(verify_cache),
        requests_(metrics_.counter("audit_api", "requests", "HTTP requests to the audit API, by endpoint and status")),
        unauthorized_(metrics_
                          .counter("audit_api", "unauthorized",
                                   "Audit API requests refused for a missing or wrong bearer token")
                          .Add({})),
        duration_(metrics_.latency_histogram("audit_api", "request_duration",
                                            "Time to answer an audit API request, by endpoint")) {}

  HttpResponse handle(const HttpRequest& req) {
    const auto t0 = Clock::now();
    Outcome outcome;
    HttpResponse resp;
    try {
      resp = answer(req, outcome);
    } catch (const std::exception& e) {
      // Never the query string: a caller filter may hold a person's name.
      logger().error("audit API request failed",
                     {{"endpoint", endpoint_label(outcome.endpoint)}, {"client", outcome.client}, {"error", e.what()}});
      resp = send(outcome, 500, kJson, error_json("internal error: the request could not be answered (see the server's log)"));
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const std::string label(endpoint_label(outcome.endpoint));
    requests_.Add({{"endpoint", label}, {"status", std::to_string(outcome.status)}}).Increment();
    duration_.Add({{"endpoint", label}}).Observe(seconds);
    const LogLevel level = outcome.status >= 500 ? LogLevel::error
                           : outcome.status == 401 || outcome.status == 403 ? LogLevel::warn
                                                                             : LogLevel::info;
    logger().log(level, "audit API request",
                 {{"method", req.method.size() <= 16 ? req.method : std::string("?")},
                  {"endpoint", label},
                  {"status", outcome.status},
                  {"client", outcome.client},
                  {"remote", req.client_address},
                  {"duration_ms", static_cast<std::int64_t>(seconds * 1000)}});
    return resp;
  }

  // The HTTP host's own refusals (busy, too slow, malformed), in this API's
  // JSON, counted like the others.
  HttpResponse refusal(int status, std::string_view message) {
    Outcome outcome;
    auto r = send(outcome, status, kJson, error_json(message));
    requests_.Add({{"endpoint", std::string(endpoint_label(Endpoint::not_found))}, {"status", std::to_string(status)}})
        .Increment();
    return r;
  }

  // The journal's verification, fresh or as cached for verify_cache (one
  // at a time: concurrent requests wait for it and share its result rather
  // than each reading the whole journal). `cached`: whether it was.
  // Freshness::last_known takes the last result however old, without
  // waiting for a verification under way (a call page shows it beside the
  // call's own entries, which it checks itself); it verifies only when
  // there has been none.
  JournalVerification verification(bool* cached = nullptr,
                                   console::Freshness freshness = console::Freshness::as_cached) {
    if (freshness == console::Freshness::last_known) {
      std::lock_guard last(last_mu_);
      if (last_verify_) {
        if (cached) *cached = true;
        return last_verify_->verification;
      }
    }
    std::lock_guard lock(verify_mu_);
    const auto now = Clock::now();
    if (cached) *cached = true;
    {
      std::lock_guard last(last_mu_);
      if (last_verify_ && verify_cache_.count() > 0 && now - last_verify_->when < verify_cache_) {
        return last_verify_->verification;
      }
    }
    if (cached) *cached = false;
    const auto t0 = Clock::now();
    LastVerify fresh{verify_journal(store_, keyring_), Clock::now()};
    const auto& r = fresh.verification.result;
    logger().info("journal verified",
                  {{"ok", r.ok},
                   {"entries", r.entries},
                   {"last_seq", r.last_seq},
                   {"first_bad_seq", r.first_bad_seq},
                   {"duration_ms", static_cast<std::int64_t>(
                                       std::chrono::duration<double, std::milli>(Clock::now() - t0).count())}});
    std::lock_guard last(last_mu_);
    last_verify_ = std::move(fresh);
    return last_verify_->verification;
  }

 private:
  // The security headers are the host's (response_headers), on every
  // response.
  static HttpResponse send(Outcome& outcome, int status, const char* content_type, std::string body,
                           HttpResponse resp = {}) {
    outcome.status = status;
    resp.status = status;
    resp.content_type = content_type;
    resp.body = std::move(body);
    return resp;
  }

  static HttpResponse bad_request(Outcome& outcome, const ParamError& e) {
    return send(outcome, 400, kJson, error_json(e.message, e.parameter));
  }

  HttpResponse answer(const HttpRequest& req, Outcome& outcome) {
    // The host has read any body by now (up to its limit); a GET carries
    // none.
    if (!req.body.empty() || req.header("Transfer-Encoding")) {
      auto r = send(outcome, 413, kJson, error_json("this API takes no request body"));
      r.close = true;
      return r;
    }
    const std::string& target = req.target;
    if (target.size() > kMaxRequestTargetBytes) {
      return send(outcome, 414, kJson,
                  error_json("the request target is longer than " + std::to_string(kMaxRequestTargetBytes) + " bytes"));
    }
    std::string path, query;
    if (auto e = split_request_target(target, path, query)) return bad_request(outcome, *e);
    Route route;
    const auto route_error = route_of(path, route);
    outcome.endpoint = route.endpoint;

    if (route.endpoint == Endpoint::healthz) {
      if (auto refused = method_refused(req, outcome)) return *refused;
      return health(outcome);
    }
    if (auto refused = unauthenticated(req, outcome)) return *refused;
    if (auto refused = method_refused(req, outcome)) return *refused;
    if (route_error) return bad_request(outcome, *route_error);
    if (route.endpoint == Endpoint::not_found) {
      return send(outcome, 404, kJson,
                  error_json("no such resource: /v1/calls, /v1/calls/{call_id}, /v1/report, /v1/registrations, "
                             "/v1/verify, /healthz"));
    }
    QueryParams params;
    if (auto e = parse_query(query, params)) return bad_request(outcome, *e);
    switch (route.endpoint) {
      case Endpoint::calls: return calls(outcome, params);
      case Endpoint::call: return call(outcome, params, route.call_id);
      case Endpoint::report: return report(outcome, params);
      case Endpoint::registrations: return registrations(outcome, params);
      case Endpoint::verify: return verify(outcome, params);
      case Endpoint::healthz:
      case Endpoint::not_found:
        break;
    }
    return send(outcome, 404, kJson, error_json("no such resource"));
  }

  std::optional<HttpResponse> method_refused(const HttpRequest& req, Outcome& outcome) {
    if (req.method == "GET") return std::nullopt;
    HttpResponse r;
    r.set("Allow", "GET");
    return send(outcome, 405, kJson,
                error_json("method " + std::string(req.method.size() <= 16 ? req.method : "?") +
                           " not allowed: this API is read-only, GET only"),
                std::move(r));
  }

  std::optional<HttpResponse> unauthenticated(const HttpRequest& req, Outcome& outcome) {
    const auto authorization = req.header("Authorization");
    const auto token = authorization ? net::bearer_token(*authorization) : std::nullopt;
    net::ApiTokenFile::Check check;
    if (token) check = tokens_.check(*token);
    if (check.outcome == net::ApiTokenFile::Outcome::accepted) {
      outcome.client = check.name;
      return std::nullopt;
    }
    if (check.outcome == net::ApiTokenFile::Outcome::unavailable) {
      return send(outcome, 503, kJson,
                  error_json("authentication is unavailable: the server's tokens file cannot be used (see its log)"));
    }
    unauthorized_.Increment();
    // RFC 6750 3.1: no error code when no credentials came at all.
    HttpResponse r;
    r.set("WWW-Authenticate", authorization ? std::string(kRealm) + ", error=\"invalid_token\"" : kRealm);
    return send(outcome, 401, kJson,
                error_json(authorization ? "the bearer token is not valid"
                                         : "a bearer token is required (Authorization: Bearer <token>)"),
                std::move(r));
  }

  HttpResponse health(Outcome& outcome) {
    try {
      store_.with_connection("health check", [](Poco::Data::Session& session) {
        int one = 0;
        session << "SELECT 1", Poco::Data::Keywords::into(one), Poco::Data::Keywords::now;
      });
    } catch (const std::exception& e) {
      logger().error("audit API health check: the store does not answer", {{"error", e.what()}});
      return send(outcome, 503, kJson, R"({"status":"unavailable","reason":"the audit store does not answer"})"
                                       "\n");
    }
    return send(outcome, 200, kJson, "{\"status\":\"ok\"}\n");
  }

  HttpResponse calls(Outcome& outcome, const QueryParams& params) {
    CallsRequest request;
    if (auto e = parse_calls_request(params, request)) return bad_request(outcome, *e);
    auto page = query_calls(store_, request.filter, request.page);
    if (!page) return bad_request(outcome, {parameter_named_by(page.error().message), page.error().message});
    const auto next = next_page(params, "/v1/calls", page->next_cursor);
    auto resp = page_headers(next, page->next_cursor, request.format, "calls.csv");
    if (request.format == OutputFormat::csv) {
      std::string body = calls_csv_header();
      for (const auto& c : page->calls) body += call_csv_row(c);
      return send(outcome, 200, kCsv, std::move(body), std::move(resp));
    }
    return send(outcome, 200, kJson, page_json("calls", calls_json_array(page->calls), page->next_cursor, next),
                std::move(resp));
  }

  HttpResponse registrations(Outcome& outcome, const QueryParams& params) {
    RegistrationsRequest request;
    if (auto e = parse_registrations_request(params, request)) return bad_request(outcome, *e);
    auto page = query_registrations(store_, request.filter, request.page);
    if (!page) return bad_request(outcome, {parameter_named_by(page.error().message), page.error().message});
    const auto next = next_page(params, "/v1/registrations", page->next_cursor);
    auto resp = page_headers(next, page->next_cursor, request.format, "registrations.csv");
    if (request.format == OutputFormat::csv) {
      std::string body = registrations_csv_header();
      for (const auto& r : page->rows) body += registration_csv_row(r);
      return send(outcome, 200, kCsv, std::move(body), std::move(resp));
    }
    return send(outcome, 200, kJson,
                page_json("registrations", registrations_json_array(page->rows), page->next_cursor, next),
                std::move(resp));
  }

  // The next page's link ("" on the last page).
  static std::string next_page(const QueryParams& params, std::string_view path, const std::string& cursor) {
    return cursor.empty() ? std::string() : next_page_link(path, params, cursor);
  }

  // A page's headers: Link to the next one; for CSV the cursor in
  // X-Next-Cursor and a file name.
  static HttpResponse page_headers(const std::string& next, const std::string& cursor, OutputFormat format,
                                   const char* csv_file) {
    HttpResponse resp;
    if (!next.empty()) resp.set("Link", "<" + next + ">; rel=\"next\"");
    if (format == OutputFormat::csv) {
      if (!cursor.empty()) resp.set("X-Next-Cursor", cursor);
      resp.set("Content-Disposition", "attachment; filename=\"" + std::string(csv_file) + "\"");
    }
    return resp;
  }

  HttpResponse call(Outcome& outcome, const QueryParams& params, const std::string& call_id) {
    if (auto e = expect_no_parameters(params)) return bad_request(outcome, *e);
    const auto detail = call_detail(store_, call_id);
    if (!detail) return send(outcome, 404, kJson, error_json("no call with this id in the journal"));
    return send(outcome, 200, kJson, call_detail_json(*detail) + "\n");
  }

  HttpResponse report(Outcome& outcome, const QueryParams& params) {
    ReportRequest request;
    if (auto e = parse_report_request(params, request)) return bad_request(outcome, *e);
    const ComplianceReport r = compliance_report(store_, request.filter);
    if (request.format == OutputFormat::csv) {
      HttpResponse resp;
      resp.set("Content-Disposition", "attachment; filename=\"report.csv\"");
      return send(outcome, 200, kCsv, report_csv(r), std::move(resp));
    }
    return send(outcome, 200, kJson, report_json(r) + "\n");
  }

  HttpResponse verify(Outcome& outcome, const QueryParams& params) {
    if (auto e = expect_no_parameters(params)) return bad_request(outcome, *e);
    bool cached = true;
    const auto last = verification(&cached);
    const VerifyResult& result = last.result;
    const EpochMillis verified_at = last.verified_at;
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("ok");
    w.Bool(result.ok);
    w.Key("entries");
    w.Int64(result.entries);
    w.Key("purged");
    w.Int64(result.purged);
    w.Key("last_seq");
    w.Int64(result.last_seq);
    w.Key("last_hash");
    if (result.last_hash.empty()) {
      w.Null();
    } else {
      write_string(w, result.last_hash);
    }
    w.Key("first_bad_seq");
    if (result.ok) {
      w.Null();
    } else {
      w.Int64(result.first_bad_seq);
    }
    w.Key("reason");
    if (result.ok) {
      w.Null();
    } else {
      write_string(w, result.reason);
    }
    w.Key("verified_at");
    write_string(w, format_rfc3339(verified_at));
    w.Key("cached");
    w.Bool(cached);
    w.EndObject();
    return send(outcome, 200, kJson, std::string(buf.GetString(), buf.GetSize()) + "\n");
  }

  struct LastVerify {
    JournalVerification verification;
    Clock::time_point when;
  };

  observability::MetricsRegistry metrics_;  // keeps the families below alive
  AuditStore& store_;
  net::ApiTokenFile& tokens_;
  const Keyring keyring_;
  const std::chrono::seconds verify_cache_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Counter& unauthorized_;
  observability::LatencyHistogramFamily duration_;
  std::mutex verify_mu_;  // one verification at a time
  std::mutex last_mu_;    // last_verify_: held only to read or replace it
  std::optional<LastVerify> last_verify_;
};

// ----------------------------------------------------------------- server ----

AuditApiServer::AuditApiServer(AuditStore& store, net::ApiTokenFile& tokens, Keyring keyring,
                               observability::MetricsRegistry metrics, AuditApiOptions options) {
  net::HttpServerOptions http = net::endpoint_server_options("audit API", options.listen);
  http.priority_paths = {"/healthz"};
  // A small body still reaches the API, which says it takes none.
  http.max_body_bytes = 4096;
  http.response_headers = net::security_headers(net::kNoPageContentSecurityPolicy, http.tls != nullptr);
  service_ = std::make_unique<Service>(store, tokens, keyring, metrics, options.verify_cache);
  if (options.console) {
    if (!options.console->people_file) throw std::invalid_argument("audit API: the console needs its people file");
    // Secure cookies over our own TLS, or when TLS ends in front of us.
    options.console->options.tls = options.console->options.tls || http.tls != nullptr;
    console_ = std::make_unique<console::ConsoleService>(
        store, tokens, *options.console->people_file, std::move(keyring),
        [service = service_.get()](console::Freshness freshness) { return service->verification(nullptr, freshness); },
        metrics, std::move(options.console->options));
  }
  http.error_response = [service = service_.get()](int status, std::string_view message) {
    return service->refusal(status, message);
  };
  // /console and below are the console's; everything else the API's, with
  // its own rules unchanged.
  host(std::make_unique<net::HttpServer>(
      [service = service_.get(), console = console_.get()](const net::HttpRequest& req) {
        if (console && console::is_console_path(req.path)) return console->handle(req);
        return service->handle(req);
      },
      std::move(http)));
  logger().info("audit API listening", {{"address", bind_address()},
                                        {"port", port()},
                                        {"tls", tls()},
                                        {"console", console_ != nullptr},
                                        {"threads", options.listen.max_threads}});
}

AuditApiServer::~AuditApiServer() {
  // A verification under way runs to its end; then every thread is joined.
  stop();
}

}  // namespace e911::auditor::api
