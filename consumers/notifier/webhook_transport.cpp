#include "consumers/notifier/webhook_transport.h"

#include <Poco/Exception.h>

#include <stdexcept>

#include "consumers/notifier/alert_text.h"
#include "consumers/notifier/http_transport_members.h"
#include "common/net/tls_context.h"

namespace e911::notifier {

inline constexpr std::string_view kNotificationIdHeader = "X-E911-Notification-Id";

// One TLS context for every https URL this transport sends to; each alert
// names its own URL.
template <>
void open_http_transport(HttpTransportState<WebhookSettings>& state) {
  state.tls = net::client_tls_context_for("webhook", state.settings.verify_certificate, state.settings.ca_file);
}

template <>
SendResult send_http_alert(const HttpTransportState<WebhookSettings>& state, const OutgoingAlert& alert) {
  auto parsed = net::parse_http_url(alert.address);
  if (!parsed.endpoint) return SendResult::give_up("webhook: " + parsed.error);
  const net::HttpEndpoint& endpoint = *parsed.endpoint;
  if (alert.body.empty()) return SendResult::give_up("webhook: empty body");
  const std::string step = "POST " + endpoint.origin() + "/...";

  net::HttpRequestSpec request;
  request.method = "POST";
  request.target = endpoint.path_and_query;
  request.content_type = "application/json";
  request.body = alert.body;
  request.headers.emplace_back(std::string(kNotificationIdHeader), alert.notification_id);
  if (!alert.signature.empty()) request.headers.emplace_back(std::string(kSignatureHeader), alert.signature);
  if (!endpoint.user.empty() || !endpoint.password.empty()) {
    request.basic_auth = std::make_pair(endpoint.user, endpoint.password);
  }

  auto exchange = http_exchange(endpoint, request, state.settings.timeouts, state.tls, step);
  if (!exchange.response) {
    exchange.failure.error = net::redact(std::move(exchange.failure.error), {endpoint.password});
    return exchange.failure;
  }
  const std::string detail = net::redact(net::short_text(exchange.response->body), {endpoint.password});
  return result_for_status(*exchange.response, step, detail);
}

template class HttpTransport<WebhookSettings>;

}  // namespace e911::notifier
