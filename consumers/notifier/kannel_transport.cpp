#include "common/encoding.h"
#include "consumers/notifier/kannel_transport.h"

#include <Poco/Exception.h>

#include <stdexcept>

#include "consumers/notifier/http_transport_members.h"
#include "consumers/notifier/sms.h"
#include "common/net/tls_context.h"

namespace e911::notifier {

namespace {

// Digits with an optional leading '+': what a gateway can route. Anything
// else is refused here; a space would even make Kannel send to two numbers.
bool plausible_number(std::string_view number) {
  std::string_view digits = number;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (digits.size() < 3 || digits.size() > 20) return false;
  for (const char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

template <>
void open_http_transport(HttpTransportState<KannelSettings>& state) {
  const KannelSettings& settings = state.settings;
  state.endpoint = configured_endpoint("kannel", "url", settings.url);
  if (settings.username.empty()) throw std::invalid_argument("kannel: username is empty");
  // "GET http://host:13013/cgi-bin/sendsms": never the query, which has the password.
  state.step = "GET " + state.endpoint.origin() + state.endpoint.path_and_query;
  if (state.endpoint.https) {
    state.tls = net::client_tls_context_for("kannel", settings.verify_certificate, settings.ca_file);
  }
}

template <>
SendResult send_http_alert(const HttpTransportState<KannelSettings>& state, const OutgoingAlert& alert) {
  const KannelSettings& s = state.settings;
  if (!plausible_number(alert.address)) {
    return SendResult::give_up("kannel: not a phone number: '" + net::short_text(alert.address, 32) + "'");
  }
  if (alert.text.empty()) return SendResult::give_up("kannel: empty message");

  const bool ucs2 = sms_encoding(alert.text) == SmsEncoding::ucs2;
  std::string query = "?username=" + percent_encode(s.username) + "&password=" + percent_encode(s.password) +
                      "&to=" + percent_encode(alert.address) + "&text=" + percent_encode(alert.text) +
                      "&charset=UTF-8&coding=" + (ucs2 ? "2" : "0");
  if (!s.from.empty()) query += "&from=" + percent_encode(s.from);
  if (!s.smsc.empty()) query += "&smsc=" + percent_encode(s.smsc);

  net::HttpRequestSpec request;
  request.method = "GET";
  request.target = state.endpoint.path_and_query + query;
  request.headers.emplace_back("Accept", "text/plain");

  auto exchange = http_exchange(state.endpoint, request, s.timeouts, state.tls, state.step);
  if (!exchange.response) {
    exchange.failure.error = net::redact(std::move(exchange.failure.error), {s.password});
    return exchange.failure;
  }
  // Kannel's body is one line of plain text ("0: Accepted for delivery",
  // "Authorization failed for sendsms"), good as it is for the error.
  const std::string detail = net::redact(net::short_text(exchange.response->body), {s.password});
  return result_for_status(*exchange.response, state.step, detail);
}

template class HttpTransport<KannelSettings>;

}  // namespace e911::notifier
