#pragma once
// The ingest's HTTP front door, for producers that cannot mirror SIP:
//
//   POST /v1/call-events   the project's own call events: one JSON object
//                          (application/json) or JSON lines
//                          (application/x-ndjson, application/jsonl)
//   POST /v1/sip           one raw SIP message (message/sip), decoded as a
//                          mirrored one would be
//   POST /v1/zoom          Zoom Phone webhooks (phone.emergency_alert, the
//                          URL validation challenge), authenticated by
//                          Zoom's own signature (zoom_webhook.h)
//   POST /v1/teams         Microsoft Graph change notifications for Teams
//                          emergency calls (the validation handshake,
//                          encrypted resource data), authenticated by the
//                          subscription's clientState (graph_webhook.h)
//
// Every other request carries a bearer token from the tokens file (hashed,
// reloaded when it changes: common/net/api_tokens.h). A request is answered
// 202 only once Kafka has acknowledged all its events (acks=all), so a
// platform's own retry covers a broker outage (503 with Retry-After); a
// repeat is absorbed downstream by its event_id. Bad input is answered 400
// with a reason naming the line and field, counted, and dead-lettered; a
// request with one bad line produces nothing (the sender retries it whole,
// corrected).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/net/api_tokens.h"
#include "common/net/hosted_endpoint.h"
#include "common/net/rate_limiter.h"
#include "producers/ingest/graph_decryptor.h"
#include "producers/ingest/sip_ingest.h"

namespace e911::ingest {

struct WebhookOptions {
  net::EndpointOptions listen{};
  std::string tokens_file{};  // NAME SHA256HEX lines; required
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_events_per_request = 1000;
  // Requests per client (a bearer token's name, else the peer's address);
  // over it: 429 with Retry-After, counted.
  net::RateLimit rate_limit{};
  std::string zoom_secret_token{};  // the Zoom app's secret token; empty: /v1/zoom is off
  // Teams via Microsoft Graph; both set, or /v1/teams is off.
  std::string graph_client_state{};
  std::shared_ptr<const GraphDecryptor> graph_decryptor{};
};

// A call event ready for Kafka.
struct OutgoingEvent {
  std::string key;  // the caller's user id, else the device id
  std::string json;
};

// What the endpoint needs from the service it runs in.
struct WebhookSink {
  // Produces the events and waits for Kafka's acknowledgements: nullopt
  // when all were acknowledged, else why not.
  std::function<std::optional<std::string>(const std::vector<OutgoingEvent>&)> publish;
  // Decodes a posted SIP message (the service's SipIngest, serialised).
  std::function<IngestResult(std::string_view sip)> decode_sip;
  // Counts a request's outcome and dead-letters rejected input.
  std::function<void(const IngestResult& result, std::string_view payload)> record;
  // Counts a request refused for its client's rate ("http", "zoom", "teams"); may be empty.
  std::function<void(std::string_view transport)> rate_limited{};
};

class WebhookServer final : public net::HostedEndpoint {
 public:
  // Reads the tokens file and starts listening. Throws std::runtime_error
  // (no tokens file, cannot listen, TLS files unreadable) or
  // std::invalid_argument (inconsistent options).
  WebhookServer(WebhookOptions options, WebhookSink sink);
  // Needs a tokens file unless it serves only the platforms' webhooks.
  ~WebhookServer();

  class Handler;  // webhook_server.cpp

 private:
  std::unique_ptr<net::ApiTokenFile> tokens_;
  std::unique_ptr<Handler> handler_;
};

}  // namespace e911::ingest
