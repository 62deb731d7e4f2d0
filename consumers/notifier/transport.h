#pragma once
// The edge of the notifier: one rendered alert handed to one delivery
// system (an SMTP relay, an SMS gateway, a webhook receiver, the local
// outbox). Transports do no retrying and keep no state between sends; the
// dispatcher decides what a failure means from SendResult::kind.
//
// Threads: send() is called from several dispatcher workers at once, so
// every transport must be safe to share (each send opens its own
// connection).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/net/client_timeouts.h"

namespace e911::notifier {

// How an alert reaches a person: the contact's field in the registry's
// notification list. Part of the idempotency key (call, recipient, channel).
enum class Channel { email, sms, webhook };

std::string_view channel_name(Channel channel);  // "email", "sms", "webhook"
std::optional<Channel> parse_channel(std::string_view name);  // the channel an alert row names, if any

// One rendered alert, ready to send. Only the fields of its channel are set.
struct OutgoingAlert {
  Channel channel = Channel::email;
  std::string notification_id;  // stable per (call, recipient, channel): an idempotency key for receivers
  std::string call_id;
  std::string recipient_name;   // display name from the notification list (may be empty)
  std::string address;          // e-mail address, E.164 number or webhook URL

  // email
  std::string subject;  // one line, UTF-8 (encoded per RFC 2047 by the transport when not ASCII)
  std::string text;     // text/plain body; for sms, the message; unused for webhook
  std::string html;     // text/html body

  // webhook
  std::string body;       // JSON
  std::string signature;  // X-E911-Signature value ("sha256=..."); empty: unsigned
};

struct SendResult {
  enum class Kind {
    accepted,   // the server took responsibility for it (SMTP 250, HTTP 2xx)
    transient,  // may work later: connection refused/reset, timeout, SMTP 4xx, HTTP 5xx/429/408
    permanent,  // will not work by retrying: SMTP 5xx, HTTP 4xx, a bad address
  };
  Kind kind = Kind::accepted;
  std::string error;        // empty when accepted; says what failed, never a secret
  std::string provider_id;  // the server's message id, when it gives one (Twilio SID, SMTP queue id)

  static SendResult ok(std::string provider_id = {}) { return {Kind::accepted, {}, std::move(provider_id)}; }
  static SendResult retry_later(std::string error) { return {Kind::transient, std::move(error), {}}; }
  static SendResult give_up(std::string error) { return {Kind::permanent, std::move(error), {}}; }
  bool accepted() const { return kind == Kind::accepted; }
};

// Shared by every network transport. A send that takes longer than
// `timeout` in any single step (connect, each read or write) fails as
// transient.
using TransportTimeouts = net::ClientTimeouts;

// What every HTTP-based transport (Kannel, Twilio, webhooks) is given to
// reach its peer: timeouts and, over https, whose certificates it trusts.
struct HttpClientSettings {
  TransportTimeouts timeouts;
  bool verify_certificate = true;  // https only; false: for a lab only
  std::string ca_file;             // https only: trust this PEM CA instead of the system's
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Delivers one alert. Never throws for delivery problems: they come back
  // as a transient or permanent SendResult.
  virtual SendResult send(const OutgoingAlert& alert) = 0;
  // What this is, for logs and the notification record ("smtp", "kannel",
  // "twilio", "webhook", "outbox").
  virtual std::string_view name() const = 0;
};

// Classifies an HTTP status as a delivery outcome: 2xx accepted; 408, 425,
// 429 and 5xx transient; any other status permanent.
SendResult::Kind classify_http_status(int status);

}  // namespace e911::notifier
