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

#include <memory>
#include <string>

#include "consumers/notifier/transport.h"

namespace e911::notifier {

// One CA file (when set) for every https webhook this transport sends to.
struct WebhookSettings : HttpClientSettings {};

class WebhookTransport final : public Transport {
 public:
  // Throws std::invalid_argument when the CA file cannot be read.
  explicit WebhookTransport(WebhookSettings settings);
  ~WebhookTransport() override;

  // alert.address: the URL; alert.body: the JSON; alert.signature: the
  // X-E911-Signature value or empty.
  SendResult send(const OutgoingAlert& alert) override;
  std::string_view name() const override { return "webhook"; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace e911::notifier
