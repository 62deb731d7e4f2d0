#pragma once
// HttpTransport's state and members, for the .cpp of each HTTP transport
// (see http_transport.h), which defines the three functions declared here
// for its settings and then instantiates HttpTransport<Settings>. No other
// file includes this.

#include <Poco/Net/Context.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "consumers/notifier/http_exchange.h"
#include "consumers/notifier/http_transport.h"

namespace e911::notifier {

template <class Settings>
struct HttpTransportState {
  Settings settings;
  net::HttpEndpoint endpoint;   // the configured URL's (Kannel, Twilio); unused by webhooks, whose alerts name theirs
  Poco::Net::Context::Ptr tls;  // for https; null when the configured URL is http
  std::string step;             // the configured request for error texts, without secrets ("GET http://host/...")
};

// What each transport defines for its settings: open_http_transport
// checks state.settings, throwing std::invalid_argument when they cannot
// work, and fills in the rest of the state; send_http_alert sends one
// alert (Transport::send).
template <class Settings>
void open_http_transport(HttpTransportState<Settings>& state);
template <class Settings>
SendResult send_http_alert(const HttpTransportState<Settings>& state, const OutgoingAlert& alert);

template <class Settings>
HttpTransport<Settings>::HttpTransport(Settings settings)
    : state_(std::make_unique<HttpTransportState<Settings>>()) {
  state_->settings = std::move(settings);
  open_http_transport(*state_);
}

template <class Settings>
HttpTransport<Settings>::~HttpTransport() = default;

template <class Settings>
SendResult HttpTransport<Settings>::send(const OutgoingAlert& alert) {
  return send_http_alert(*state_, alert);
}

}  // namespace e911::notifier
