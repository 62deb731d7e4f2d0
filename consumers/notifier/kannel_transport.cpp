#include "common/encoding.h"
#include "consumers/notifier/kannel_transport.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <stdexcept>

#include "consumers/notifier/http_exchange.h"
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

struct KannelTransport::Impl {
  KannelSettings settings;
  HttpEndpoint endpoint;
  Poco::Net::Context::Ptr tls;
  std::string step;  // "GET http://host:13013/cgi-bin/sendsms" (never the query: it has the password)
};

KannelTransport::KannelTransport(KannelSettings settings) : impl_(std::make_unique<Impl>()) {
  auto parsed = parse_http_url(settings.url);
  if (!parsed.endpoint) throw std::invalid_argument("kannel: url: " + parsed.error);
  if (settings.username.empty()) throw std::invalid_argument("kannel: username is empty");
  impl_->endpoint = std::move(*parsed.endpoint);
  // The query is ours to build.
  impl_->endpoint.path_and_query.erase(
      std::min(impl_->endpoint.path_and_query.find('?'), impl_->endpoint.path_and_query.size()));
  impl_->step = "GET " + impl_->endpoint.origin() + impl_->endpoint.path_and_query;
  if (impl_->endpoint.https) {
    impl_->tls = transport_tls("kannel", settings.verify_certificate, settings.ca_file);
  }
  impl_->settings = std::move(settings);
}

KannelTransport::~KannelTransport() = default;

SendResult KannelTransport::send(const OutgoingAlert& alert) {
  const KannelSettings& s = impl_->settings;
  if (!plausible_number(alert.address)) {
    return SendResult::give_up("kannel: not a phone number: '" + short_text(alert.address, 32) + "'");
  }
  if (alert.text.empty()) return SendResult::give_up("kannel: empty message");

  const bool ucs2 = sms_encoding(alert.text) == SmsEncoding::ucs2;
  std::string query = "?username=" + percent_encode(s.username) + "&password=" + percent_encode(s.password) +
                      "&to=" + percent_encode(alert.address) + "&text=" + percent_encode(alert.text) +
                      "&charset=UTF-8&coding=" + (ucs2 ? "2" : "0");
  if (!s.from.empty()) query += "&from=" + percent_encode(s.from);
  if (!s.smsc.empty()) query += "&smsc=" + percent_encode(s.smsc);

  HttpRequestSpec request;
  request.method = "GET";
  request.target = impl_->endpoint.path_and_query + query;
  request.headers.emplace_back("Accept", "text/plain");

  auto exchange = http_exchange(impl_->endpoint, request, s.timeouts, impl_->tls, impl_->step);
  if (!exchange.response) {
    exchange.failure.error = redact(std::move(exchange.failure.error), {s.password});
    return exchange.failure;
  }
  // Kannel's body is one line of plain text ("0: Accepted for delivery",
  // "Authorization failed for sendsms"), good as it is for the error.
  const std::string detail = redact(short_text(exchange.response->body), {s.password});
  return result_for_status(*exchange.response, impl_->step, detail);
}

}  // namespace e911::notifier
