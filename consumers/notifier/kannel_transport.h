#pragma once
// SMS through a Kannel gateway's smsbox HTTP interface (GET
// /cgi-bin/sendsms). Kannel answers 202 "0: Accepted for delivery" or
// "3: Queued for later delivery" (both: Kannel has taken the message),
// 403 for a wrong user or password, 400 for bad parameters, 503 when it
// cannot take messages now.
//
// The text goes as UTF-8 (charset=UTF-8) in both encodings: coding=0
// (GSM-7) when every character is in the GSM alphabet, else coding=2, for
// which Kannel converts the text to UCS-2 (sms.h decides; the Kannel user
// guide: "charset: used to convert to a format suitable for 7 bits or to
// UCS-2"). Alerts run to 3 segments, so the sendsms-user group must allow
// it: `max-messages = 3` (Kannel's default, 1, cuts the alert) and
// `concatenation = true`.

#include <string>
#include <string_view>

#include "consumers/notifier/http_transport.h"

namespace e911::notifier {

struct KannelSettings : HttpClientSettings {
  static constexpr std::string_view transport_name = "kannel";
  std::string url;       // http://host:13013/cgi-bin/sendsms (https with sendsms-port-ssl)
  std::string username;  // the sendsms-user group
  std::string password;
  std::string from;  // sender number or name; empty: Kannel's global-sender
  std::string smsc;  // optional smsc id, for Kannel's routing
};

// Construction throws std::invalid_argument when the settings cannot work
// (a URL that is not http(s), no username) or the CA file cannot be read.
// send: alert.address is the number (E.164, "+15125550100", or any digits
// the gateway routes); alert.text, the message.
extern template class HttpTransport<KannelSettings>;
using KannelTransport = HttpTransport<KannelSettings>;

}  // namespace e911::notifier
