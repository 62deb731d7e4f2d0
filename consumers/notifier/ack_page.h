#pragma once
// What the acknowledgement endpoint (ack_server.h) answers to one request:
// the routing of <prefix>/ack/<token>, the token's shape, the form's
// comment, and every page, with every dynamic value escaped. Pure but for
// the desk it asks; the server runs it for each request, on its threads,
// and the tests call it directly. The request comes from anyone: a path,
// method, Content-Type and body of any shape are answered with a page.

#include <string_view>

#include "common/net/http_message.h"
#include "consumers/notifier/ack_desk.h"

namespace e911::notifier {

// The pages load nothing and run no script.
inline constexpr const char* kAckContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

// The answer to `request` (ack_server.h lists the outcomes). Throws only
// what the desk throws.
net::HttpResponse answer_ack_request(AckDesk& desk, const net::HttpRequest& request);

// How the HTTP host's own refusals (413, 408, 503, 400...) look here.
net::HttpResponse ack_refusal(int status, std::string_view reason);

// 500: the desk failed, nothing was recorded.
net::HttpResponse ack_failure();

}  // namespace e911::notifier
