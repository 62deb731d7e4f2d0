#include "consumers/notifier/transport.h"

#include <Poco/Exception.h>

#include <stdexcept>

#include "common/enum_names.h"
#include "common/net/tls_context.h"

namespace e911::notifier {

Poco::Net::Context::Ptr transport_tls(std::string_view transport, bool verify_certificate, const std::string& ca_file) {
  try {
    return net::client_tls_context(verify_certificate, ca_file);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument(std::string(transport) + ": TLS: " + e.displayText());
  }
}

namespace {
constexpr auto kChannelNames =
    enum_names<Channel>({{Channel::email, "email"}, {Channel::sms, "sms"}, {Channel::webhook, "webhook"}});
}  // namespace

std::string_view channel_name(Channel channel) { return kChannelNames.name(channel, "unknown"); }

std::optional<Channel> parse_channel(std::string_view name) { return kChannelNames.value(name); }

SendResult::Kind classify_http_status(int status) {
  if (status >= 200 && status < 300) return SendResult::Kind::accepted;
  // Request Timeout, Too Early, Too Many Requests: the server says "later".
  if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
    return SendResult::Kind::transient;
  }
  return SendResult::Kind::permanent;
}

SendResult::Kind classify_smtp_reply(int code) {
  if (code >= 200 && code < 400) return SendResult::Kind::accepted;
  if (code >= 400 && code < 500) return SendResult::Kind::transient;
  return SendResult::Kind::permanent;
}

}  // namespace e911::notifier
