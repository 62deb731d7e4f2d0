#pragma once
// HTTP/1.1 requests and responses as the project's HTTP endpoints see them
// (the observability endpoint, the acknowledgement page, the audit API):
// plain values, so a handler is a function from one to the other and is
// tested without a socket. The host that reads and writes them is
// http_server.h.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace e911::net {

struct HttpHeader {
  std::string name;   // as sent
  std::string value;  // optional white space around it removed
};
using HttpHeaders = std::vector<HttpHeader>;

// The first header named `name` (case-insensitive), if any.
std::optional<std::string_view> find_header(const HttpHeaders& headers, std::string_view name);

struct HttpRequest {
  std::string method;   // "GET", as sent (methods are case-sensitive)
  std::string target;   // the request-target as sent: "/v1/calls?site=a"
  std::string path;     // the target up to '?', still percent-encoded
  std::string query;    // after '?', still percent-encoded; empty when none
  int minor_version = 1;  // HTTP/1.<minor_version>
  HttpHeaders headers;
  std::string body;     // decoded from chunks when it came chunked
  std::string client_address;  // the peer's IP address
  bool tls = false;

  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // empty: no Content-Type (and no body expected)
  HttpHeaders headers;       // besides Content-Type, Content-Length and Connection
  std::string body;
  bool close = false;        // close the connection after this response

  // Sets a header, replacing one of the same name.
  HttpResponse& set(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// "OK", "Not Found"... for the status codes this project sends; "Unknown"
// for others.
std::string_view reason_phrase(int status);

// The response's status line and headers, always as HTTP/1.1 whatever
// the request's version, with Content-Length for the body (omitted for
// 1xx, 204 and 304), and Connection: close when `close` (keep-alive when
// `keep_alive_1_0`, for an HTTP/1.0 client that asked to keep it).
std::string serialize_head(const HttpResponse& response, std::size_t body_size, bool close, bool keep_alive_1_0);

}  // namespace e911::net
