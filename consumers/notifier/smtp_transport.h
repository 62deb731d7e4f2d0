#pragma once
// E-mail delivery over SMTP (RFC 5321): one alert, one message, one
// connection (so concurrent send() calls share nothing but the settings and
// the TLS context).
//
// The message (RFC 5322 / MIME): multipart/alternative with a text/plain
// and a text/html part, both UTF-8 and quoted-printable, so the message is
// 7-bit clean with short lines whatever the relay supports. A subject or
// display name that is not plain ASCII becomes RFC 2047 encoded words.
// Headers besides From/To/Subject/Date:
//   Message-ID: <notification id @ domain of `from`>  stable per alert, so a
//               resend after an ambiguous failure can be recognised as one
//   X-E911-Call-Id, X-E911-Notification-Id
//   Auto-Submitted: auto-generated (RFC 3834), X-Auto-Response-Suppress:
//               All (Exchange): no out-of-office replies to the alert sender
//
// Outcomes (SendResult): 250 after the message data is accepted; an SMTP
// 4xx reply transient, 5xx permanent; connection refused/reset, timeouts,
// DNS and TLS handshake failures transient; a server certificate that does
// not verify permanent, like a missing STARTTLS offer or no usable AUTH
// mechanism (configuration problems that retrying will not fix). Errors
// name the step that failed ("RCPT TO: 550 5.1.1 user unknown", "connect
// mail.example.com:587: Connection refused") and never contain the
// password.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "consumers/notifier/transport.h"

namespace e911::notifier {

struct SmtpSettings {
  std::string host;
  std::uint16_t port = 25;
  // starttls: the server must offer STARTTLS (no silent fallback to clear
  // text); implicit: TLS from the first byte (port 465).
  enum class Tls { none, starttls, implicit };
  Tls tls = Tls::starttls;
  bool verify_certificate = true;  // false: for a lab only
  std::string ca_file;             // PEM CA(s) to trust instead of the system's; empty: system CAs
  // AUTH (PLAIN, else LOGIN) when username is set; requires TLS. From the
  // environment or a secret file, never logged.
  std::string username;
  std::string password;
  // Envelope sender and From header: "E911 Alerts <e911@example.com>" or
  // "e911@example.com".
  std::string from;
  // connect; each read and write (TLS handshake included). Over TLS,
  // Poco 1.11 retries a read that timed out once, so a server that goes
  // silent costs up to twice `io` there.
  TransportTimeouts timeouts;
  std::string helo_name;       // empty: this machine's host name
};

class SmtpTransport final : public Transport {
 public:
  // Throws std::invalid_argument when the settings cannot work: no host or
  // port, `from` not an e-mail address, AUTH without TLS, an unreadable CA
  // file.
  explicit SmtpTransport(SmtpSettings settings);
  ~SmtpTransport() override;
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  // alert.address: the recipient; recipient_name, subject, text, html,
  // call_id, notification_id as in OutgoingAlert. provider_id: the queue id
  // from the final 250 reply when the server names one ("queued as ...").
  SendResult send(const OutgoingAlert& alert) override;
  std::string_view name() const override { return "smtp"; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  // keeps Poco out of this header
};

// Header text as sent: unchanged when printable ASCII, otherwise RFC 2047
// "B" encoded words of whole UTF-8 characters, folded (CRLF SP) so each
// line stays short. Exposed for tests.
std::string encode_header_text(std::string_view utf8);

// "<id@domain>" with the id's characters outside [A-Za-z0-9_-] written as
// "=XX" (so distinct ids stay distinct and the result is a valid msg-id).
// Exposed for tests.
std::string message_id_for(std::string_view notification_id, std::string_view domain);

}  // namespace e911::notifier
