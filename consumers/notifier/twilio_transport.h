#pragma once
// SMS through Twilio's Messages API, or any provider that speaks it:
// POST {base_url}/2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP
// basic auth (AccountSid:AuthToken) and the form fields To, From (or
// MessagingServiceSid) and Body. 201 with {"sid": "SM..."} is accepted (the
// sid is the provider id); errors come as {"code": 21211, "message": "...",
// "status": 400} and are reported as "... HTTP 400: <message> (Twilio
// 21211)". Twilio chooses GSM-7 or UCS-2 itself.

#include <string>
#include <string_view>

#include "consumers/notifier/http_transport.h"

namespace e911::notifier {

struct TwilioSettings : HttpClientSettings {
  static constexpr std::string_view transport_name = "twilio";
  std::string base_url = "https://api.twilio.com";  // a compatible provider's, or a test server's
  std::string account_sid;
  std::string auth_token;
  std::string from;                   // sender number; or
  std::string messaging_service_sid;  // a Messaging Service picks the sender (used when set)
};

// Construction throws std::invalid_argument when the settings cannot work
// (base_url not http(s), no account SID or token, neither sender nor
// messaging service) or the CA file cannot be read.
// send: alert.address is the E.164 number; alert.text, the message.
extern template class HttpTransport<TwilioSettings>;
using TwilioTransport = HttpTransport<TwilioSettings>;

}  // namespace e911::notifier
