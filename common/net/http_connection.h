#pragma once
// One accepted connection of the HTTP host (http_server.h): reads requests
// with their deadlines and writes responses. Internal to common/net.
//
// Threads: used by the connection's own thread only; fd() may be shut down
// from another thread (HttpServer::stop) to wake a read.

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <string>

#include "common/net/http_message.h"
#include "common/net/http_parser.h"
#include "common/net/http_server.h"

namespace e911::net::detail {

class HttpConnection {
 public:
  using Clock = std::chrono::steady_clock;

  HttpConnection(Poco::Net::StreamSocket socket, std::string client_address, bool tls,
                 const HttpServerOptions& options);

  struct Next {
    enum class Kind {
      request,  // `request` holds it
      closed,   // the client closed, went idle past the wait, or the server is stopping
      refused,  // `error` says what to answer (then close)
    };
    Kind kind = Kind::closed;
    HttpRequest request;
    bool keep_alive = false;      // the client wants the connection kept
    bool keep_alive_1_0 = false;  // ...and is an HTTP/1.0 client asking for it
    HttpError error;
  };
  // Waits up to `idle` for the request's first byte, then up to
  // `head_timeout` for its head, and options.body_timeout for its body.
  Next read_request(std::chrono::milliseconds idle, std::chrono::milliseconds head_timeout);

  // Writes the response (headers only for a HEAD request); false if the
  // client was gone or too slow to take it within options.write_timeout.
  bool write(const HttpResponse& response, bool head_only, bool close, bool keep_alive_1_0);

  // Half-closes and reads what the client still sends for a moment, so a
  // last response is not destroyed by a reset over unread bytes. The
  // socket closes with the object.
  void linger();

  int fd() const { return fd_; }
  const std::string& client_address() const { return client_; }

 private:
  enum class Io { ok, timeout, closed };
  Io receive(Clock::time_point deadline);  // appends to buffer_
  bool send_all(std::string_view data, Clock::time_point deadline);
  Next refuse(int status, std::string message);
  Next read_body(Next next, const RequestHead& head);

  Poco::Net::StreamSocket socket_;
  int fd_ = -1;
  std::string client_;
  bool tls_ = false;
  const HttpServerOptions& options_;
  std::string buffer_;  // received, not yet consumed (a pipelined request)
};

}  // namespace e911::net::detail
