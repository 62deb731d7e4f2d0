#pragma once
// E-mail over SMTP (RFC 5321), the project's one SMTP client: the
// notifier's alerts (consumers/notifier/smtp_transport.h) and the location
// service's reminders go through it. One message, one connection (so
// concurrent send() calls share nothing but the settings and the TLS
// context).
//
// The message (RFC 5322 / MIME): UTF-8 and quoted-printable, so it is
// 7-bit clean with short lines whatever the relay supports: a text/plain
// message, or multipart/alternative with a text/plain and a text/html part
// when it has HTML. A subject or display name that is not plain ASCII
// becomes RFC 2047 encoded words. Headers besides From/To/Subject/Date:
//   Message-ID: <message id @ domain of `from`>  stable per message, so a
//               resend after an ambiguous failure can be recognised as one
//   the message's own headers (X-E911-Call-Id...), made header-safe
//   Auto-Submitted: auto-generated (RFC 3834), X-Auto-Response-Suppress:
//               All (Exchange): no out-of-office replies to the sender
//
// Outcomes (SendOutcome): 250 after the message data is accepted; an SMTP
// 4xx reply transient, 5xx permanent; connection refused/reset, timeouts,
// DNS and TLS handshake failures transient; a server certificate that does
// not verify permanent, like a missing STARTTLS offer or no usable AUTH
// mechanism (configuration problems that retrying will not fix). Errors
// name the step that failed ("RCPT TO: 550 5.1.1 user unknown", "connect
// mail.example.com:587: Connection refused") and never contain the
// password.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/net/client_timeouts.h"

namespace e911::mail {

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
  net::ClientTimeouts timeouts;
  // The wait for the reply to the message data, instead of `io`: the relay
  // has the message by then and may be queueing it, so a client that gives
  // up sends it again (RFC 5321 4.5.3.2.6, which suggests 10 minutes; less
  // here, so an alert does not wait that long on a connection that died).
  std::chrono::milliseconds end_of_data_timeout{60'000};
  std::string helo_name;  // empty: this machine's host name
};

struct Email {
  std::string id;       // stable per message (the Message-ID); empty: the relay adds one
  std::string to;       // the recipient's address
  std::string to_name;  // display name (may be empty)
  std::string subject;  // one line, UTF-8
  std::string text;     // the text/plain body
  std::string html;     // the text/html body; empty: a text/plain message
  std::vector<std::pair<std::string, std::string>> headers{};  // more headers, in this order
};

struct SendOutcome {
  enum class Kind {
    accepted,   // the relay took responsibility for it (250)
    transient,  // may work later: connection refused/reset, timeout, 4xx
    permanent,  // will not work by retrying: 5xx, a bad address, a certificate that does not verify
  };
  Kind kind = Kind::accepted;
  std::string error;     // empty when accepted; says what failed, never a secret
  std::string queue_id;  // from the final 250 reply when the server names one ("queued as ...")
  bool accepted() const { return kind == Kind::accepted; }
};

class SmtpClient {
 public:
  // Throws std::invalid_argument when the settings cannot work: no host or
  // port, `from` not an e-mail address, AUTH without TLS, an unreadable CA
  // file.
  explicit SmtpClient(SmtpSettings settings);
  ~SmtpClient();
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // Delivers one message. Never throws for delivery problems.
  SendOutcome send(const Email& email) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  // keeps Poco out of this header
};

// An SMTP reply code as an outcome: 2xx/3xx accepted, 4xx transient, 5xx
// (and anything else) permanent.
SendOutcome::Kind classify_smtp_reply(int code);

// Header text as sent: unchanged when printable ASCII, otherwise RFC 2047
// "B" encoded words of whole UTF-8 characters, folded (CRLF SP) so each
// line stays short. Exposed for tests.
std::string encode_header_text(std::string_view utf8);

// "<id@domain>" with the id's characters outside [A-Za-z0-9_-] written as
// "=XX" (so distinct ids stay distinct and the result is a valid msg-id).
// Exposed for tests.
std::string message_id_for(std::string_view id, std::string_view domain);

}  // namespace e911::mail
