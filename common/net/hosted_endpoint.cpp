#include "common/net/hosted_endpoint.h"

#include <stdexcept>

#include "common/net/http_server.h"
#include "common/net/tls_context.h"

namespace e911::net {

HttpServerOptions endpoint_server_options(const std::string& name, const EndpointOptions& options) {
  if (options.max_threads < 1) throw std::invalid_argument(name + ": max_threads must be >= 1");
  if (options.tls_certificate.empty() != options.tls_private_key.empty()) {
    throw std::invalid_argument(name + ": set both the TLS certificate and its key, or neither");
  }
  HttpServerOptions http;
  http.name = name;
  http.bind = options.bind;
  http.port = options.port;
  if (!options.tls_certificate.empty()) {
    http.tls = server_tls_context(options.tls_certificate, options.tls_private_key, name);
  }
  http.max_handlers = options.max_threads;
  return http;
}

HostedEndpoint::HostedEndpoint() = default;
HostedEndpoint::~HostedEndpoint() { stop(); }

void HostedEndpoint::host(std::unique_ptr<HttpServer> server) { server_ = std::move(server); }

void HostedEndpoint::stop() {
  if (server_) server_->stop();
}

std::uint16_t HostedEndpoint::port() const { return server_->port(); }
const std::string& HostedEndpoint::bind_address() const { return server_->bind_address(); }
bool HostedEndpoint::tls() const { return server_->tls(); }

HttpHeaders security_headers(std::string_view content_security_policy, bool tls) {
  HttpHeaders headers{{"Cache-Control", "no-store"},
                      {"X-Content-Type-Options", "nosniff"},
                      {"Referrer-Policy", "no-referrer"},
                      {"X-Frame-Options", "DENY"},
                      {"Content-Security-Policy", std::string(content_security_policy)}};
  if (tls) headers.push_back({"Strict-Transport-Security", "max-age=31536000"});
  return headers;
}

}  // namespace e911::net
