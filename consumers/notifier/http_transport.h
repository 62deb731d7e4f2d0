#pragma once
// The one class of the HTTP-based transports (Kannel, Twilio, webhooks):
// HttpTransport<KannelSettings> and so on, each transport's header naming
// its own (`using KannelTransport = HttpTransport<KannelSettings>`) and
// saying what its settings mean and what its constructor refuses.
//
// Settings::transport_name is Transport::name(). Each transport's .cpp
// supplies what differs (http_transport_members.h): how it checks its
// settings and prepares its peer, and how it sends one alert; and it
// instantiates the class (`template class HttpTransport<KannelSettings>;`),
// so that request building stays out of the headers.
//
// Threads: as every Transport, safe to share; send() opens its own
// connection and changes nothing.

#include <memory>
#include <string_view>

#include "consumers/notifier/transport.h"

namespace e911::notifier {

template <class Settings>
struct HttpTransportState;

template <class Settings>
class HttpTransport final : public Transport {
 public:
  // Throws std::invalid_argument when the settings cannot work.
  explicit HttpTransport(Settings settings);
  ~HttpTransport() override;

  SendResult send(const OutgoingAlert& alert) override;
  std::string_view name() const override { return Settings::transport_name; }

 private:
  std::unique_ptr<HttpTransportState<Settings>> state_;
};

}  // namespace e911::notifier
