#include "common/observability/observability_server.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <exception>
#include <stdexcept>
#include <utility>

#include "common/log.h"
#include "common/net/http_server.h"

namespace e911::observability {
namespace {

using net::HttpRequest;
using net::HttpResponse;

const Logger& logger() {
  static const Logger log("observability");
  return log;
}

HttpResponse reply(int status, const std::string& content_type, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = content_type;
  r.body = std::move(body);
  return r;
}

std::string health_json(const HealthStatus& health) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("status");
  w.String(health.live ? "ok" : "unavailable");
  if (!health.reason.empty()) {
    w.Key(health.live ? "detail" : "reason");
    w.String(health.reason.data(), static_cast<rapidjson::SizeType>(health.reason.size()));
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

HealthStatus ask(const HealthCheck& check) {
  if (!check) return HealthStatus::ok();
  try {
    return check();
  } catch (const std::exception& e) {
    return HealthStatus::down(std::string("health check failed: ") + e.what());
  } catch (...) {
    return HealthStatus::down("health check failed");
  }
}

HttpResponse route(const MetricsRegistry& registry, const HealthCheck& health, const HttpRequest& req) {
  std::string path;
  try {
    path = Poco::URI(req.target).getPath();
  } catch (const Poco::Exception&) {
    return reply(400, "text/plain", "bad request URI\n");
  }
  if (path != "/metrics" && path != "/healthz") {
    return reply(404, "text/plain", "not found: GET /metrics or /healthz\n");
  }
  if (req.method != "GET") {
    auto r = reply(405, "text/plain", "method not allowed: use GET\n");
    r.set("Allow", "GET");
    return r;
  }
  if (path == "/metrics") return reply(200, kMetricsContentType, registry.scrape_text());
  const HealthStatus status = ask(health);
  return reply(status.live ? 200 : 503, "application/json", health_json(status));
}

}  // namespace

ObservabilityServer::ObservabilityServer(MetricsRegistry registry, HealthCheck health, std::string bind_address,
                                         std::uint16_t port)
    : ObservabilityServer(std::move(registry), std::move(health),
                          ServerOptions{std::move(bind_address), port, ServerOptions{}.max_threads}) {}

ObservabilityServer::ObservabilityServer(MetricsRegistry registry, HealthCheck health, ServerOptions options) {
  if (options.max_threads < 1) throw std::invalid_argument("observability server: max_threads must be >= 1");
  net::HttpServerOptions http;
  http.name = "observability endpoint";
  http.bind = options.bind_address;
  http.port = options.port;
  http.max_handlers = static_cast<std::size_t>(options.max_threads);
  // A scraper and a prober: both are answered even when the endpoint is
  // full, and neither waits behind the other.
  http.priority_paths = {"/metrics", "/healthz"};
  http.max_body_bytes = 0;
  // Probes and scrapes must always see the current state.
  http.response_headers = {{"Cache-Control", "no-store"}};
  host(std::make_unique<net::HttpServer>(
      [registry = std::move(registry), health = std::move(health)](const HttpRequest& req) {
        try {
          return route(registry, health, req);
        } catch (const std::exception& e) {
          logger().error("request failed", {{"error", e.what()}});
          return reply(500, "text/plain", "internal error\n");
        }
      },
      std::move(http)));
  logger().info("observability endpoint listening",
                {{"address", bind_address()}, {"port", port()}, {"paths", "/metrics /healthz"}});
}

}  // namespace e911::observability
