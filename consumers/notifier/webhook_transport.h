#pragma once
// Webhook delivery: POST the alert's JSON body (webhook.cpp renders it) to
// the contact's URL, http or https.
//
// Headers: Content-Type: application/json; User-Agent: e911-notifier;
// X-E911-Notification-Id: the alert's notification id (stable across
// retries: the receiver's idempotency key); X-E911-Signature when the
// contact has a secret (alert_text.h). User info in the URL
// (https://user:pass@host/...) becomes HTTP basic auth.
//
// 2xx is accepted; redirects are not followed and are permanent failures
// (the URL in the registry is wrong, and following could hand the alert to
// another host). Error texts show the URL's scheme and host only: webhook
// paths (Slack's, Teams') are themselves secrets.

#include <string>
#include <string_view>

#include "consumers/notifier/http_transport.h"

namespace e911::notifier {

// One CA file (when set) for every https webhook this transport sends to.
struct WebhookSettings : HttpClientSettings {
  static constexpr std::string_view transport_name = "webhook";
};

// Construction throws std::invalid_argument when the CA file cannot be
// read. send: alert.address is the URL; alert.body, the JSON;
// alert.signature, the X-E911-Signature value or empty.
extern template class HttpTransport<WebhookSettings>;
using WebhookTransport = HttpTransport<WebhookSettings>;

}  // namespace e911::notifier
