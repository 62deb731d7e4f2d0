#pragma once
// One HTTP request on a fresh connection, for the HTTP-based transports
// (Kannel, Twilio, webhooks): the parts they share, so that timeouts, TLS,
// redirects and the mapping of network failures to SendResult are decided
// once.
//
// Error texts name the step and never a URL's path, query or user info:
// webhook paths and Kannel queries carry credentials.

#include <Poco/Net/Context.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/encoding.h"
#include "consumers/notifier/transport.h"

namespace e911::notifier {

inline constexpr std::string_view kUserAgent = "e911-notifier";

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

// The endpoint of a transport's configured URL (Kannel's url, Twilio's
// base_url) without its query, which the transport builds; throws
// std::invalid_argument("<transport>: <field>: <why>") when the URL will
// not do.
HttpEndpoint configured_endpoint(std::string_view transport, std::string_view field, const std::string& url);

struct HttpRequestSpec {
  std::string method;                                        // "GET", "POST"
  std::string target;                                        // path and query
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host, User-Agent, Content-*
  std::string content_type;                                  // with a body
  std::string body;
  std::optional<std::pair<std::string, std::string>> basic_auth;  // user, password
};

struct HttpResponseData {
  int status = 0;
  std::string reason;
  std::string content_type;
  std::string location;
  std::string body;  // at most kMaxResponseBody bytes
};

inline constexpr std::size_t kMaxResponseBody = 64 * 1024;

// Either the server's response (whatever its status) or, when there is
// none, the failure: transient for connection, DNS, TLS and timeout
// problems, permanent when the server's certificate does not verify (the
// same certificate will be there on the next try). `step` ("POST
// https://example.com/...") starts every error text.
struct HttpExchange {
  std::optional<HttpResponseData> response;
  SendResult failure;
};
HttpExchange http_exchange(const HttpEndpoint& endpoint, const HttpRequestSpec& request,
                           const TransportTimeouts& timeouts, const Poco::Net::Context::Ptr& tls,
                           std::string_view step);

// The outcome of a response's status by classify_http_status(); for a
// failure "<step>: HTTP <status>" and ": <detail>" when there is one. A
// redirect is permanent: transports follow none (a moved endpoint is a
// configuration error, and following it could send the alert elsewhere).
SendResult result_for_status(const HttpResponseData& response, std::string_view step, std::string_view detail);


// A server's text for an error message: the first line, control
// characters dropped, at most `max_chars` bytes (cut on a UTF-8 boundary).
std::string short_text(std::string_view text, std::size_t max_chars = 200);

// `text` with every occurrence of each non-empty secret replaced by "***":
// a safety net for texts that come from servers, which may echo a request.
std::string redact(std::string text, std::initializer_list<std::string_view> secrets);

}  // namespace e911::notifier
