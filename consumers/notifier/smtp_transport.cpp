#include "consumers/notifier/smtp_transport.h"

namespace e911::notifier {

SendResult SmtpTransport::send(const OutgoingAlert& alert) {
  if (alert.channel != Channel::email) return SendResult::give_up("smtp: not an e-mail alert");
  mail::SendOutcome outcome = client_.send(mail::Email{
      .id = alert.notification_id,
      .to = alert.address,
      .to_name = alert.recipient_name,
      .subject = alert.subject,
      .text = alert.text,
      .html = alert.html,
      .headers = {{"X-E911-Call-Id", alert.call_id}, {"X-E911-Notification-Id", alert.notification_id}}});
  switch (outcome.kind) {
    case mail::SendOutcome::Kind::accepted: return SendResult::ok(std::move(outcome.queue_id));
    case mail::SendOutcome::Kind::transient: return SendResult::retry_later(std::move(outcome.error));
    case mail::SendOutcome::Kind::permanent: break;
  }
  return SendResult::give_up(std::move(outcome.error));
}

}  // namespace e911::notifier
