#pragma once
// The server an endpoint hosts (HostedEndpoint::host) when all it adds to
// the shared set-up is its handler: the server options its EndpointOptions
// give, the security headers with its Content-Security-Policy, and the
// host's own refusals (404s, 413s, 503s...) in the JSON error shape of
// json_response.h, like the handler's. The ELIN lookup endpoint and the
// location service are such endpoints; the ingest's HTTP endpoint takes
// the options and adds its body limit.

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/net/hosted_endpoint.h"
#include "common/net/http_server.h"
#include "common/net/json_response.h"

namespace e911::net {

// The server options, for an endpoint that sets one more (a body limit)
// before it makes its HttpServer. Throws as endpoint_server_options does
// ("<name>: ...").
inline HttpServerOptions json_endpoint_options(const std::string& name, const EndpointOptions& listen,
                                               std::string_view content_security_policy) {
  HttpServerOptions http = endpoint_server_options(name, listen);
  http.response_headers = security_headers(content_security_policy, http.tls != nullptr);
  http.error_response = [](int status, std::string_view message) { return error_response(status, message); };
  return http;
}

// Throws as endpoint_server_options and HttpServer do ("<name>: ...",
// "<name> cannot listen on ...").
inline std::unique_ptr<HttpServer> json_endpoint_server(const std::string& name, const EndpointOptions& listen,
                                                        std::string_view content_security_policy,
                                                        HttpHandler handler) {
  return std::make_unique<HttpServer>(std::move(handler), json_endpoint_options(name, listen, content_security_policy));
}

}  // namespace e911::net
