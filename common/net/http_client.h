#pragma once
// One HTTP request on a fresh connection: the project's HTTP client (the
// notifier's Kannel, Twilio and webhook transports, the location service's
// address validation provider, the demo's traffic), so that URLs, timeouts,
// TLS and the mapping of network failures to errors are decided once.
//
// Error texts name the step and never a URL's path, query or user info:
// webhook paths and Kannel queries carry credentials.
//
// Threads: every function may be called from any thread; http_exchange
// blocks the caller for at most the timeouts it is given (per step).

#include <Poco/Net/Context.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace e911::net {

struct HttpEndpoint {
  bool https = false;
  std::string host;
  std::uint16_t port = 0;
  std::string path_and_query;  // as sent on the request line ("/" at least)
  std::string user;            // from user info in the URL, percent-decoded
  std::string password;
  // "https://host" or "http://host:8080", for error texts.
  std::string origin() const;
};

// Parses an absolute http or https URL; otherwise an error saying why
// (which never repeats the URL: it may hold a secret).
struct ParsedUrl {
  std::optional<HttpEndpoint> endpoint;
  std::string error;
};
ParsedUrl parse_http_url(const std::string& url);

// A request that takes longer than `connect` to connect, or than `io` for
// any single read or write, fails.
struct HttpClientTimeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds io{10000};
};

struct HttpRequestSpec {
  std::string method;                                        // "GET", "POST"
  std::string target;                                        // path and query
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host, User-Agent, Content-*
  std::string content_type;                                  // with a body
  std::string body;
  std::optional<std::pair<std::string, std::string>> basic_auth;  // user, password
  std::string user_agent = "e911";
};

struct HttpResponseData {
  int status = 0;
  std::string reason;
  std::string content_type;
  std::string location;
  std::string body;  // at most kMaxResponseBody bytes
};

inline constexpr std::size_t kMaxResponseBody = 64 * 1024;

// Why there is no response. `error` starts with the step ("POST
// https://example.com/...: connect: connection refused"); `permanent` when
// the same request cannot work later either (the server's certificate did
// not verify, https without a TLS context), otherwise (connection, DNS,
// TLS and timeout problems) it may.
struct HttpFailure {
  std::string error;
  bool permanent = false;
};

// Either the server's response (whatever its status) or, when there is
// none, the failure.
struct HttpExchange {
  std::optional<HttpResponseData> response;
  HttpFailure failure;
};
HttpExchange http_exchange(const HttpEndpoint& endpoint, const HttpRequestSpec& request,
                           const HttpClientTimeouts& timeouts, const Poco::Net::Context::Ptr& tls,
                           std::string_view step);

// A server's text for an error message: the first line, control
// characters dropped, at most `max_chars` bytes (cut on a UTF-8 boundary).
std::string short_text(std::string_view text, std::size_t max_chars = 200);

// `text` with every occurrence of each non-empty secret replaced by "***":
// a safety net for texts that come from servers, which may echo a request.
std::string redact(std::string text, std::initializer_list<std::string_view> secrets);

}  // namespace e911::net
