#pragma once
// What an HTTP endpoint of a component (the observability server, the
// acknowledgement endpoint, the audit API, the coming front ends) is to its
// owner once it runs on the one HttpServer: where it listens, and its stop.
// The endpoint builds its handler and options, then hosts the server.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/net/http_message.h"

namespace e911::net {

class HttpServer;
struct HttpServerOptions;

// Where and how an endpoint listens, as its owner configures it (the
// acknowledgement endpoint's AckServerOptions, the audit API's listen).
struct EndpointOptions {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;       // 0: the kernel picks a free port, see port()
  std::size_t max_threads = 8;  // requests handled at once
  // PEM files. Both set: HTTPS (TLS 1.2 at least); both empty: plain HTTP.
  // The private key must not be passphrase-protected. ({}: designated
  // initializers may omit them under -Wextra.)
  std::string tls_certificate{};
  std::string tls_private_key{};
};

// The server options of the endpoint `name` ("audit API") that `options`
// give: name, bind, port, max_handlers and, with both PEM files, the TLS
// server context; the endpoint adds its own (body size, headers). Throws
// std::invalid_argument("<name>: ...") for max_threads 0 or only one of the
// TLS files, std::runtime_error when the TLS files cannot be loaded.
HttpServerOptions endpoint_server_options(const std::string& name, const EndpointOptions& options);

// The Content-Security-Policy of an endpoint that serves no page: nothing
// may be loaded from it or frame it.
inline constexpr std::string_view kNoPageContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

// The security headers every endpoint answers with: no caching, no MIME
// sniffing, no framing, no referrer, this Content-Security-Policy, and
// HSTS when it serves TLS.
HttpHeaders security_headers(std::string_view content_security_policy, bool tls);

class HostedEndpoint {
 public:
  HostedEndpoint(const HostedEndpoint&) = delete;
  HostedEndpoint& operator=(const HostedEndpoint&) = delete;

  // The bound port (the real one when the options' port was 0).
  std::uint16_t port() const;
  const std::string& bind_address() const;
  bool tls() const;

 protected:
  HostedEndpoint();
  ~HostedEndpoint();  // stops the server if the endpoint has not

  void host(std::unique_ptr<HttpServer> server);
  // Stops accepting, wakes keep-alive connections and joins the request
  // threads: after it, the handler is not called again. An endpoint whose
  // handler reads its own members calls it in its destructor, since the
  // members go before this base does. Idempotent.
  void stop();

 private:
  std::unique_ptr<HttpServer> server_;
};

}  // namespace e911::net
