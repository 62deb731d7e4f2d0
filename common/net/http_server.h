#pragma once
// The one HTTP/1.1 server host of the project: the observability endpoint
// (/metrics, /healthz), the notifier's acknowledgement page and the audit
// API run on it, each with its own handler (http_message.h), and the coming
// front ends will too.
//
// What it guarantees, whatever clients do (docs/operations.md, "HTTP
// endpoints"):
// - A connection is a thread of its own, up to max_connections, and a
//   handler runs only once its whole request has arrived: slow or idle
//   clients never hold a handler, and at most max_handlers requests are
//   handled at once.
// - The request head must arrive within header_timeout of its first byte
//   and the body within body_timeout, however slowly it trickles (a
//   request that misses it is answered 408 and the connection closed); an
//   idle keep-alive connection is closed after idle_timeout.
// - Connections beyond max_connections, or beyond
//   max_connections_per_client from one address, are answered, not reset:
//   503 with Retry-After (up to overflow_connections more at once; past
//   that they are closed at once). Requests for priority_paths (/healthz)
//   are served even then, and never wait for a handler slot.
// - Responses are always HTTP/1.1; malformed requests are answered 400
//   (414, 431, 501, 505 as RFC 9112 says) and the connection closed; no
//   byte of a request is ever echoed in an error. Bodies over
//   max_body_bytes are 413.
// - Every response carries response_headers (security headers), the
//   host's own refusals included, rendered by error_response.
// - Destroying it (or stop()) stops accepting, wakes every connection and
//   joins every thread; a handler running then runs to its end.
//
// Threads: the handler is called from connection threads, concurrently;
// it must be thread-safe. stats() may be called from any thread.

#include <Poco/Net/Context.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/net/http_message.h"
#include "common/net/http_parser.h"

namespace e911::net {

struct HttpServerOptions {
  std::string name = "HTTP server";  // in messages: "audit API cannot listen on ..."
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;            // 0: the kernel picks a free port, see port()
  Poco::Net::Context::Ptr tls{};     // a server context (tls_context.h); null: plain HTTP

  std::size_t max_connections = 128;
  std::size_t max_connections_per_client = 32;
  std::size_t overflow_connections = 16;
  std::size_t max_handlers = 8;
  std::vector<std::string> priority_paths{};

  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds idle_timeout{5000};
  std::chrono::milliseconds write_timeout{30000};
  // How long an overflow connection may take to say what it wants.
  std::chrono::milliseconds overflow_timeout{2000};
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_requests_per_connection = 100;
  HeadLimits head_limits{};
  int retry_after_seconds = 1;

  HttpHeaders response_headers{};
  // The host's own answers (400, 408, 413, 503...): `message` says why, in
  // plain words and nothing of the request. Empty: text/plain.
  std::function<HttpResponse(int status, std::string_view message)> error_response{};
};

struct HttpServerStats {
  std::uint64_t connections = 0;  // accepted and served
  std::uint64_t requests = 0;     // handed to the handler
  std::uint64_t refused = 0;      // answered 503: full, or too many from one client
  std::uint64_t dropped = 0;      // closed unanswered: even the overflow was full
  std::uint64_t timed_out = 0;    // answered 408 (head or body too slow)
  std::uint64_t rejected = 0;     // malformed or too large: 4xx/5xx from the host
};

class HttpServer {
 public:
  // Binds and starts. Throws std::invalid_argument for options that cannot
  // work (a zero limit), std::runtime_error "<name> cannot listen on
  // <bind>:<port>: ..." when it cannot listen.
  HttpServer(HttpHandler handler, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void stop();  // idempotent

  std::uint16_t port() const;  // the bound port (the real one when options.port was 0)
  const std::string& bind_address() const;
  bool tls() const;
  HttpServerStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace e911::net
