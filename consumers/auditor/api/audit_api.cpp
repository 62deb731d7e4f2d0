#include "consumers/auditor/api/audit_api.h"

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <exception>
#include <limits>
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
#include "consumers/auditor/journal/chain_verifier.h"
#include "common/net/tls_context.h"

namespace e911::auditor::api {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;
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
  Service(AuditStore& store, ApiTokenFile& tokens, Keyring keyring, observability::MetricsRegistry metrics,
          std::chrono::seconds verify_cache, bool tls)
      : metrics_(std::move(metrics)),
        store_(store),
        tokens_(tokens),
        keyring_(std::move(keyring)),
        verify_cache_(verify_cache),
        tls_(tls),
        requests_(metrics_.counter("audit_api", "requests", "HTTP requests to the audit API, by endpoint and status")),
        unauthorized_(metrics_
                          .counter("audit_api", "unauthorized",
                                   "Audit API requests refused for a missing or wrong bearer token")
                          .Add({})),
        duration_(metrics_.latency_histogram("audit_api", "request_duration",
                                            "Time to answer an audit API request, by endpoint")) {}

  void handle(HTTPServerRequest& req, HTTPServerResponse& resp) {
    const auto t0 = Clock::now();
    Outcome outcome;
    try {
      answer(req, resp, outcome);
    } catch (const std::exception& e) {
      // Never the query string: a caller filter may hold a person's name.
      logger().error("audit API request failed",
                     {{"endpoint", endpoint_label(outcome.endpoint)}, {"client", outcome.client}, {"error", e.what()}});
      if (!resp.sent()) {
        send(resp, outcome, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, kJson,
             error_json("internal error: the request could not be answered (see the server's log)"));
      }
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const std::string label(endpoint_label(outcome.endpoint));
    requests_.Add({{"endpoint", label}, {"status", std::to_string(outcome.status)}}).Increment();
    duration_.Add({{"endpoint", label}}).Observe(seconds);
    const LogLevel level = outcome.status >= 500 ? LogLevel::error
                           : outcome.status == 401 || outcome.status == 403 ? LogLevel::warn
                                                                             : LogLevel::info;
    logger().log(level, "audit API request",
                 {{"method", req.getMethod()},
                  {"endpoint", label},
                  {"status", outcome.status},
                  {"client", outcome.client},
                  {"remote", req.clientAddress().host().toString()},
                  {"duration_ms", static_cast<std::int64_t>(seconds * 1000)}});
  }

 private:
  void send(HTTPServerResponse& resp, Outcome& outcome, HTTPResponse::HTTPStatus status, const char* content_type,
            const std::string& body) {
    outcome.status = static_cast<int>(status);
    resp.setStatusAndReason(status);
    resp.setContentType(content_type);
    resp.set("Cache-Control", "no-store");
    resp.set("X-Content-Type-Options", "nosniff");
    resp.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    resp.set("X-Frame-Options", "DENY");
    resp.set("Referrer-Policy", "no-referrer");
    if (tls_) resp.set("Strict-Transport-Security", "max-age=31536000");
    resp.setContentLength(static_cast<std::streamsize>(body.size()));
    resp.sendBuffer(body.data(), body.size());
  }

  void bad_request(HTTPServerResponse& resp, Outcome& outcome, const ParamError& e) {
    send(resp, outcome, HTTPResponse::HTTP_BAD_REQUEST, kJson, error_json(e.message, e.parameter));
  }

  void answer(HTTPServerRequest& req, HTTPServerResponse& resp, Outcome& outcome) {
    // A GET carries no body; one left unread would be taken for the next
    // request, so the connection closes after the refusal.
    if ((req.hasContentLength() && req.getContentLength64() > 0) || req.getChunkedTransferEncoding()) {
      resp.setKeepAlive(false);
      send(resp, outcome, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, kJson,
           error_json("this API takes no request body"));
      return;
    }
    const std::string& target = req.getURI();
    if (target.size() > kMaxRequestTargetBytes) {
      send(resp, outcome, HTTPResponse::HTTP_REQUEST_URI_TOO_LONG, kJson,
           error_json("the request target is longer than " + std::to_string(kMaxRequestTargetBytes) + " bytes"));
      return;
    }
    std::string path, query;
    if (auto e = split_request_target(target, path, query)) {
      bad_request(resp, outcome, *e);
      return;
    }
    Route route;
    const auto route_error = route_of(path, route);
    outcome.endpoint = route.endpoint;

    if (route.endpoint == Endpoint::healthz) {
      if (!method_allowed(req, resp, outcome)) return;
      health(resp, outcome);
      return;
    }
    if (!authenticated(req, resp, outcome)) return;
    if (!method_allowed(req, resp, outcome)) return;
    if (route_error) {
      bad_request(resp, outcome, *route_error);
      return;
    }
    if (route.endpoint == Endpoint::not_found) {
      send(resp, outcome, HTTPResponse::HTTP_NOT_FOUND, kJson,
           error_json("no such resource: /v1/calls, /v1/calls/{call_id}, /v1/report, /v1/verify, /healthz"));
      return;
    }
    QueryParams params;
    if (auto e = parse_query(query, params)) {
      bad_request(resp, outcome, *e);
      return;
    }
    switch (route.endpoint) {
      case Endpoint::calls:
        calls(resp, outcome, params);
        return;
      case Endpoint::call:
        call(resp, outcome, params, route.call_id);
        return;
      case Endpoint::report:
        report(resp, outcome, params);
        return;
      case Endpoint::verify:
        verify(resp, outcome, params);
        return;
      case Endpoint::healthz:
      case Endpoint::not_found:
        break;
    }
  }

  bool method_allowed(HTTPServerRequest& req, HTTPServerResponse& resp, Outcome& outcome) {
    if (req.getMethod() == HTTPRequest::HTTP_GET) return true;
    resp.set("Allow", "GET");
    send(resp, outcome, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, kJson,
         error_json("method " + std::string(req.getMethod().size() <= 16 ? req.getMethod() : "?") +
                    " not allowed: this API is read-only, GET only"));
    return false;
  }

  bool authenticated(HTTPServerRequest& req, HTTPServerResponse& resp, Outcome& outcome) {
    const bool has_header = req.has("Authorization");
    const auto token = has_header ? bearer_token(req.get("Authorization")) : std::nullopt;
    ApiTokenFile::Check check;
    if (token) check = tokens_.check(*token);
    if (check.outcome == ApiTokenFile::Outcome::accepted) {
      outcome.client = check.name;
      return true;
    }
    if (check.outcome == ApiTokenFile::Outcome::unavailable) {
      send(resp, outcome, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, kJson,
           error_json("authentication is unavailable: the server's tokens file cannot be used (see its log)"));
      return false;
    }
    unauthorized_.Increment();
    // RFC 6750 3.1: no error code when no credentials came at all.
    resp.set("WWW-Authenticate", has_header ? std::string(kRealm) + ", error=\"invalid_token\"" : kRealm);
    send(resp, outcome, HTTPResponse::HTTP_UNAUTHORIZED, kJson,
         error_json(has_header ? "the bearer token is not valid" : "a bearer token is required (Authorization: Bearer <token>)"));
    return false;
  }

  void health(HTTPServerResponse& resp, Outcome& outcome) {
    try {
      store_.with_connection("health check", [](Poco::Data::Session& session) {
        int one = 0;
        session << "SELECT 1", Poco::Data::Keywords::into(one), Poco::Data::Keywords::now;
      });
    } catch (const std::exception& e) {
      logger().error("audit API health check: the store does not answer", {{"error", e.what()}});
      send(resp, outcome, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, kJson,
           R"({"status":"unavailable","reason":"the audit store does not answer"})"
           "\n");
      return;
    }
    send(resp, outcome, HTTPResponse::HTTP_OK, kJson, "{\"status\":\"ok\"}\n");
  }

  void calls(HTTPServerResponse& resp, Outcome& outcome, const QueryParams& params) {
    CallsRequest request;
    if (auto e = parse_calls_request(params, request)) {
      bad_request(resp, outcome, *e);
      return;
    }
    auto page = query_calls(store_, request.filter, request.page);
    if (!page) {
      bad_request(resp, outcome, {parameter_named_by(page.error().message), page.error().message});
      return;
    }
    const std::string next = page->next_cursor.empty() ? std::string() : next_calls_link(params, page->next_cursor);
    if (!next.empty()) resp.set("Link", "<" + next + ">; rel=\"next\"");
    if (request.format == OutputFormat::csv) {
      if (!page->next_cursor.empty()) resp.set("X-Next-Cursor", page->next_cursor);
      resp.set("Content-Disposition", "attachment; filename=\"calls.csv\"");
      std::string body = calls_csv_header();
      for (const auto& c : page->calls) body += call_csv_row(c);
      send(resp, outcome, HTTPResponse::HTTP_OK, kCsv, body);
      return;
    }
    std::string body = "{\"calls\":" + calls_json_array(page->calls) + ",\n\"next_cursor\":";
    if (next.empty()) {
      body += "null,\"next\":null}\n";
    } else {
      rapidjson::StringBuffer buf;
      JsonWriter w(buf);
      write_string(w, page->next_cursor);
      body += std::string(buf.GetString(), buf.GetSize()) + ",\"next\":";
      buf.Clear();
      JsonWriter w2(buf);
      write_string(w2, next);
      body += std::string(buf.GetString(), buf.GetSize()) + "}\n";
    }
    send(resp, outcome, HTTPResponse::HTTP_OK, kJson, body);
  }

  void call(HTTPServerResponse& resp, Outcome& outcome, const QueryParams& params, const std::string& call_id) {
    if (auto e = expect_no_parameters(params)) {
      bad_request(resp, outcome, *e);
      return;
    }
    const auto detail = call_detail(store_, call_id);
    if (!detail) {
      send(resp, outcome, HTTPResponse::HTTP_NOT_FOUND, kJson, error_json("no call with this id in the journal"));
      return;
    }
    send(resp, outcome, HTTPResponse::HTTP_OK, kJson, call_detail_json(*detail) + "\n");
  }

  void report(HTTPServerResponse& resp, Outcome& outcome, const QueryParams& params) {
    ReportRequest request;
    if (auto e = parse_report_request(params, request)) {
      bad_request(resp, outcome, *e);
      return;
    }
    const ComplianceReport r = compliance_report(store_, request.filter);
    if (request.format == OutputFormat::csv) {
      resp.set("Content-Disposition", "attachment; filename=\"report.csv\"");
      send(resp, outcome, HTTPResponse::HTTP_OK, kCsv, report_csv(r));
      return;
    }
    send(resp, outcome, HTTPResponse::HTTP_OK, kJson, report_json(r) + "\n");
  }

  void verify(HTTPServerResponse& resp, Outcome& outcome, const QueryParams& params) {
    if (auto e = expect_no_parameters(params)) {
      bad_request(resp, outcome, *e);
      return;
    }
    bool cached = true;
    VerifyResult result;
    EpochMillis verified_at = 0;
    {
      // One verification at a time: concurrent requests wait for it and
      // share its result rather than each reading the whole journal.
      std::lock_guard lock(verify_mu_);
      const auto now = Clock::now();
      if (!last_verify_ || verify_cache_.count() == 0 || now - last_verify_->when >= verify_cache_) {
        cached = false;
        const auto t0 = Clock::now();
        VerifyResult fresh = verify_chain(entries_from(store_), keyring_);
        last_verify_ = LastVerify{std::move(fresh), Clock::now(), now_millis()};
        logger().info("journal verified",
                      {{"ok", last_verify_->result.ok},
                       {"entries", last_verify_->result.entries},
                       {"last_seq", last_verify_->result.last_seq},
                       {"first_bad_seq", last_verify_->result.first_bad_seq},
                       {"duration_ms", static_cast<std::int64_t>(
                                           std::chrono::duration<double, std::milli>(Clock::now() - t0).count())}});
      }
      result = last_verify_->result;
      verified_at = last_verify_->at;
    }
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
    send(resp, outcome, HTTPResponse::HTTP_OK, kJson, std::string(buf.GetString(), buf.GetSize()) + "\n");
  }

  struct LastVerify {
    VerifyResult result;
    Clock::time_point when;
    EpochMillis at = 0;
  };

  observability::MetricsRegistry metrics_;  // keeps the families below alive
  AuditStore& store_;
  ApiTokenFile& tokens_;
  const Keyring keyring_;
  const std::chrono::seconds verify_cache_;
  const bool tls_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Counter& unauthorized_;
  observability::LatencyHistogramFamily duration_;
  std::mutex verify_mu_;
  std::optional<LastVerify> last_verify_;
};

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(AuditApiServer::Service& service) : service_(service) {}
  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override { service_.handle(req, resp); }

 private:
  AuditApiServer::Service& service_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(AuditApiServer::Service& service) : service_(service) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(service_);
  }

 private:
  AuditApiServer::Service& service_;
};

}  // namespace

// ----------------------------------------------------------------- server ----

AuditApiServer::AuditApiServer(AuditStore& store, ApiTokenFile& tokens, Keyring keyring,
                               observability::MetricsRegistry metrics, AuditApiOptions options)
    : bind_address_(options.bind) {
  if (options.threads < 1 || options.threads > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::invalid_argument("audit API: threads must be >= 1");
  }
  if (options.tls_certificate.empty() != options.tls_private_key.empty()) {
    throw std::invalid_argument(
        "audit API: set both auditor.api.tls.cert.file and auditor.api.tls.key.file, or neither");
  }
  tls_ = !options.tls_certificate.empty();
  const int threads = static_cast<int>(options.threads);

  Poco::Net::ServerSocket socket;
  if (tls_) socket = Poco::Net::SecureServerSocket(
      net::server_tls_context(options.tls_certificate, options.tls_private_key, "audit API"));
  try {
    socket.bind(Poco::Net::SocketAddress(options.bind, options.port), /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(64);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("audit API cannot listen on " + options.bind + ":" + std::to_string(options.port) +
                             ": " + e.displayText());
  }
  port_ = socket.address().port();

  service_ = std::make_unique<Service>(store, tokens, std::move(keyring), std::move(metrics), options.verify_cache, tls_);

  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(threads);
  params->setMaxQueued(64);
  // Bounded waits on the socket: a slow or idle client cannot pin a thread
  // for long, and shutdown never waits more than that (for the socket; a
  // verification under way runs to its end).
  params->setTimeout(Poco::Timespan(30, 0));
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  params->setMaxKeepAliveRequests(100);
  params->setServerName("e911");

  pool_ = std::make_unique<Poco::ThreadPool>("e911-audit-api", 1, threads);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(*service_), *pool_, socket, params);
  server_->start();
  logger().info("audit API listening",
                {{"address", bind_address_}, {"port", port_}, {"tls", tls_}, {"threads", threads}});
}

AuditApiServer::~AuditApiServer() {
  server_->stopAll(/*abortCurrent=*/true);
  pool_->joinAll();
  server_.reset();
}

}  // namespace e911::auditor::api
