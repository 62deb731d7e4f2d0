#include "common/observability/observability_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <exception>
#include <stdexcept>
#include <utility>

#include "common/log.h"

namespace e911::observability {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

const Logger& logger() {
  static const Logger log("observability");
  return log;
}

void send(HTTPServerResponse& resp, HTTPResponse::HTTPStatus status, const std::string& content_type,
          const std::string& body) {
  resp.setStatusAndReason(status);
  resp.setContentType(content_type);
  // Probes and scrapes must always see the current state.
  resp.set("Cache-Control", "no-store");
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  resp.sendBuffer(body.data(), body.size());
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

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  // References into the factory, which every connection keeps alive.
  Handler(const MetricsRegistry& registry, const HealthCheck& health) : registry_(registry), health_(health) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    try {
      route(req, resp);
    } catch (const std::exception& e) {
      logger().error("request failed", {{"uri", req.getURI()}, {"error", e.what()}});
      if (!resp.sent()) send(resp, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "text/plain", "internal error\n");
    }
  }

 private:
  void route(HTTPServerRequest& req, HTTPServerResponse& resp) {
    std::string path;
    try {
      path = Poco::URI(req.getURI()).getPath();
    } catch (const Poco::Exception&) {
      send(resp, HTTPResponse::HTTP_BAD_REQUEST, "text/plain", "bad request URI\n");
      return;
    }
    if (path != "/metrics" && path != "/healthz") {
      send(resp, HTTPResponse::HTTP_NOT_FOUND, "text/plain", "not found: GET /metrics or /healthz\n");
      return;
    }
    if (req.getMethod() != Poco::Net::HTTPRequest::HTTP_GET) {
      resp.set("Allow", "GET");
      send(resp, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "text/plain", "method not allowed: use GET\n");
      return;
    }
    if (path == "/metrics") {
      send(resp, HTTPResponse::HTTP_OK, kMetricsContentType, registry_.scrape_text());
      return;
    }
    const HealthStatus health = ask(health_);
    send(resp, health.live ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "application/json",
         health_json(health));
  }

  const MetricsRegistry& registry_;
  const HealthCheck& health_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(MetricsRegistry registry, HealthCheck health)
      : registry_(std::move(registry)), health_(std::move(health)) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(registry_, health_);
  }

 private:
  const MetricsRegistry registry_;
  const HealthCheck health_;
};

}  // namespace

ObservabilityServer::ObservabilityServer(MetricsRegistry registry, HealthCheck health, std::string bind_address,
                                         std::uint16_t port)
    : ObservabilityServer(std::move(registry), std::move(health),
                          ServerOptions{std::move(bind_address), port, ServerOptions{}.max_threads}) {}

ObservabilityServer::ObservabilityServer(MetricsRegistry registry, HealthCheck health, ServerOptions options)
    : bind_address_(options.bind_address) {
  if (options.max_threads < 1) throw std::invalid_argument("observability server: max_threads must be >= 1");
  Poco::Net::ServerSocket socket;
  try {
    // SO_REUSEADDR for quick restarts, but not SO_REUSEPORT (which Poco's
    // two-argument bind also sets): a second process on the same port must
    // fail here, not silently take half of the scrapes.
    socket.bind(Poco::Net::SocketAddress(options.bind_address, options.port), /*reuseAddress=*/true,
                /*reusePort=*/false);
    socket.listen(16);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("observability endpoint cannot listen on " + options.bind_address + ":" +
                             std::to_string(options.port) + ": " + e.displayText());
  }
  port_ = socket.address().port();

  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(options.max_threads);
  params->setMaxQueued(16);
  // Bounded waits, so a slow or idle client cannot pin a thread for long
  // and shutdown never waits more than that.
  params->setTimeout(Poco::Timespan(10, 0));
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  params->setServerName("e911");

  pool_ = std::make_unique<Poco::ThreadPool>("e911-observability", 1, options.max_threads);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(std::move(registry), std::move(health)),
                                                    *pool_, socket, params);
  server_->start();
  logger().info("observability endpoint listening",
                {{"address", bind_address_}, {"port", port_}, {"paths", "/metrics /healthz"}});
}

ObservabilityServer::~ObservabilityServer() {
  // Stop accepting, abort keep-alive connections, then wait for the
  // request threads: after this nothing calls the health function.
  server_->stopAll(/*abortCurrent=*/true);
  pool_->joinAll();
  server_.reset();
}

}  // namespace e911::observability
