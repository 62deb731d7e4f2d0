#pragma once
// E-mail alerts over SMTP: the project's SMTP client (common/mail/
// smtp_client.h: the message format, TLS, AUTH, how each failure is
// classified) behind the notifier's Transport. One alert, one message,
// one connection, so the dispatcher's workers may share one transport.
//
// The alert's notification id is the Message-ID (stable per alert, so a
// resend after an ambiguous failure can be recognised as one), and the
// message carries X-E911-Call-Id and X-E911-Notification-Id.

#include "common/mail/smtp_client.h"
#include "consumers/notifier/transport.h"

namespace e911::notifier {

using SmtpSettings = mail::SmtpSettings;

class SmtpTransport final : public Transport {
 public:
  // Throws std::invalid_argument when the settings cannot work (SmtpClient).
  explicit SmtpTransport(SmtpSettings settings) : client_(std::move(settings)) {}

  // alert.address: the recipient; recipient_name, subject, text, html,
  // call_id, notification_id as in OutgoingAlert. provider_id: the queue id
  // from the final 250 reply when the server names one ("queued as ...").
  SendResult send(const OutgoingAlert& alert) override;
  std::string_view name() const override { return "smtp"; }

 private:
  mail::SmtpClient client_;
};

}  // namespace e911::notifier
