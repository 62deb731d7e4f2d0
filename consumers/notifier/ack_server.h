#pragma once
// The acknowledgement endpoint: the page behind an alert's link
// <base_url>/ack/<token> (ack_token.h), where a person says "I've got this".
//
//   GET  /ack/<token>  the alert (banner, site, caller, location, time,
//                      call id, whom the link was sent to) and a form with
//                      an optional comment and an "Acknowledge" button.
//                      GET never acknowledges: mail security scanners and
//                      link previewers fetch links on nobody's behalf.
//   POST /ack/<token>  application/x-www-form-urlencoded `comment=...`
//                      (body at most kMaxAckBodyBytes, else 413): records
//                      the acknowledgement.
//   Outcomes: acknowledged 200; already acknowledged 409 ("by X at T",
//   changes nothing); expired 410; invalid, or a token that is not 44
//   base64url characters, 404 (the desk is not even asked, nothing about
//   the token is echoed). Other methods on /ack/*: 405 (Allow: GET, POST);
//   other paths: 404. The path may carry a prefix before /ack/
//   (/notifier-1/ack/<token>): with several instances, each has its own
//   base URL and a proxy routes the prefix to the instance that sent the
//   alert (its state holds the token).
//
// Every page is small inline-styled HTML with every dynamic value escaped,
// and every response carries no-store, nosniff, no-referrer (the token must
// not leak in a Referer), DENY framing and a CSP that allows no script.
//
// What it answers to each request is in ack_page.h. On the project's HTTP
// host (common/net/http_server.h), like the
// observability endpoint: constructing it binds and starts serving on
// threads of its own, destroying it stops and joins; slow or idle clients
// hold no request thread, and a full server answers 503. It knows nothing of the store: it asks an
// AckDesk (ack_desk.h), which must outlive it and be thread-safe (requests
// are served concurrently). Loopback by default: in production it usually
// sits behind a TLS-terminating reverse proxy; set a certificate and key to
// serve HTTPS itself.

#include <cstddef>
#include <memory>
#include <string>

#include "common/net/hosted_endpoint.h"
#include "consumers/notifier/ack_desk.h"

namespace e911::notifier {

// bind, port, max_threads, tls_certificate, tls_private_key.
using AckServerOptions = net::EndpointOptions;

// The largest POST body read; a larger one is answered 413.
inline constexpr std::size_t kMaxAckBodyBytes = 8 * 1024;

// Destroying it stops the server: after that nothing calls the desk.
class AckServer final : public net::HostedEndpoint {
 public:
  // Binds and starts. Throws std::invalid_argument for inconsistent options
  // (max_threads 0, only one of the TLS files), std::runtime_error if it
  // cannot listen or the TLS files cannot be loaded.
  AckServer(AckDesk& desk, AckServerOptions options = {});
};

}  // namespace e911::notifier
