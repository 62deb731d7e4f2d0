#pragma once
// One HTTP request for the HTTP-based transports (Kannel, Twilio,
// webhooks): the project's HTTP client (common/net/http_client.h) with the
// transports' user agent and timeouts, and its failures and statuses as
// SendResults, decided once for the three.

#include <Poco/Net/Context.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/net/http_client.h"
#include "consumers/notifier/transport.h"

namespace e911::notifier {

inline constexpr std::string_view kUserAgent = "e911-notifier";

// The endpoint of a transport's configured URL (Kannel's url, Twilio's
// base_url) without its query, which the transport builds; throws
// std::invalid_argument("<transport>: <field>: <why>") when the URL will
// not do.
net::HttpEndpoint configured_endpoint(std::string_view transport, std::string_view field, const std::string& url);

// Either the server's response (whatever its status) or, when there is
// none, the failure: permanent when net::http_exchange says the same
// request cannot work later (the server's certificate does not verify),
// transient otherwise (connection, DNS, TLS and timeout problems). `step`
// ("POST https://example.com/...") starts every error text.
struct HttpExchange {
  std::optional<net::HttpResponseData> response;
  SendResult failure;
};
HttpExchange http_exchange(const net::HttpEndpoint& endpoint, const net::HttpRequestSpec& request,
                           const TransportTimeouts& timeouts, const Poco::Net::Context::Ptr& tls,
                           std::string_view step);

// The outcome of a response's status by classify_http_status(); for a
// failure "<step>: HTTP <status>" and ": <detail>" when there is one. A
// redirect is permanent: transports follow none (a moved endpoint is a
// configuration error, and following it could send the alert elsewhere).
SendResult result_for_status(const net::HttpResponseData& response, std::string_view step, std::string_view detail);

}  // namespace e911::notifier
