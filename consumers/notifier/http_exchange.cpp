#include "consumers/notifier/http_exchange.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace e911::notifier {

net::HttpEndpoint configured_endpoint(std::string_view transport, std::string_view field, const std::string& url) {
  auto parsed = net::parse_http_url(url);
  if (!parsed.endpoint) {
    throw std::invalid_argument(std::string(transport) + ": " + std::string(field) + ": " + parsed.error);
  }
  std::string& path = parsed.endpoint->path_and_query;
  path.erase(std::min(path.find('?'), path.size()));
  return std::move(*parsed.endpoint);
}

HttpExchange http_exchange(const net::HttpEndpoint& endpoint, const net::HttpRequestSpec& request,
                           const TransportTimeouts& timeouts, const Poco::Net::Context::Ptr& tls,
                           std::string_view step) {
  net::HttpRequestSpec with_agent = request;
  with_agent.user_agent = std::string(kUserAgent);
  auto exchange = net::http_exchange(endpoint, with_agent, {timeouts.connect, timeouts.io}, tls, step);
  if (exchange.response) return {std::move(exchange.response), {}};
  auto& failure = exchange.failure;
  return {std::nullopt, failure.permanent ? SendResult::give_up(std::move(failure.error))
                                          : SendResult::retry_later(std::move(failure.error))};
}

SendResult result_for_status(const net::HttpResponseData& response, std::string_view step, std::string_view detail) {
  const SendResult::Kind kind = classify_http_status(response.status);
  if (kind == SendResult::Kind::accepted) return SendResult::ok();
  std::string error(step);
  error += ": HTTP " + std::to_string(response.status);
  if (response.status >= 300 && response.status < 400) {
    error += ": redirect not followed";
    // Where to only: the rest of a Location may hold a token.
    if (const auto target = net::parse_http_url(response.location); target.endpoint) {
      error += " (to " + target.endpoint->origin() + "/...)";
    }
  }
  if (!detail.empty()) {
    error += ": ";
    error += detail;
  }
  return {kind, std::move(error), {}};
}

}  // namespace e911::notifier
