#include "consumers/notifier/transport.h"

#include "common/enum_names.h"

namespace e911::notifier {

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

}  // namespace e911::notifier
