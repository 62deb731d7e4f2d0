#include "consumers/notifier/webhook_transport.h"

#include <Poco/Exception.h>

#include <stdexcept>

#include "consumers/notifier/alert_text.h"
#include "consumers/notifier/http_exchange.h"
#include "common/net/tls_context.h"

namespace e911::notifier {

inline constexpr std::string_view kNotificationIdHeader = "X-E911-Notification-Id";

struct WebhookTransport::Impl {
  WebhookSettings settings;
  Poco::Net::Context::Ptr tls;  // for every https URL this transport sends to
};

WebhookTransport::WebhookTransport(WebhookSettings settings) : impl_(std::make_unique<Impl>()) {
  impl_->tls = transport_tls("webhook", settings.verify_certificate, settings.ca_file);
  impl_->settings = std::move(settings);
}

WebhookTransport::~WebhookTransport() = default;

SendResult WebhookTransport::send(const OutgoingAlert& alert) {
  auto parsed = parse_http_url(alert.address);
  if (!parsed.endpoint) return SendResult::give_up("webhook: " + parsed.error);
  const HttpEndpoint& endpoint = *parsed.endpoint;
  if (alert.body.empty()) return SendResult::give_up("webhook: empty body");
  const std::string step = "POST " + endpoint.origin() + "/...";

  HttpRequestSpec request;
  request.method = "POST";
  request.target = endpoint.path_and_query;
  request.content_type = "application/json";
  request.body = alert.body;
  request.headers.emplace_back(std::string(kNotificationIdHeader), alert.notification_id);
  if (!alert.signature.empty()) request.headers.emplace_back(std::string(kSignatureHeader), alert.signature);
  if (!endpoint.user.empty() || !endpoint.password.empty()) {
    request.basic_auth = std::make_pair(endpoint.user, endpoint.password);
  }

  auto exchange = http_exchange(endpoint, request, impl_->settings.timeouts, impl_->tls, step);
  if (!exchange.response) {
    exchange.failure.error = redact(std::move(exchange.failure.error), {endpoint.password});
    return exchange.failure;
  }
  const std::string detail = redact(short_text(exchange.response->body), {endpoint.password});
  return result_for_status(*exchange.response, step, detail);
}

}  // namespace e911::notifier
