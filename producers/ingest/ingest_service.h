#pragma once
// The ingest as a service: listens where SIP proxies mirror signalling
// (siptrace, HEP v3; UDP and TCP), turns each emergency call's messages
// into call events (SipIngest) and produces them to e911.call-events, keyed
// by the caller's user id (or device id), with the idempotent producer.
//
// Never in the call path: it only reads the mirror sockets and answers
// nothing, so a call proceeds the same whether the ingest runs or not.
// Input it cannot use goes to e911.dead-letter with the reason and the
// transport it came on; ordinary SIP traffic that is no call event
// (provisional responses, ACK, OPTIONS...) and non-emergency calls (unless
// forwarded) are only counted.
//
// A mirror cannot resend: if Kafka refuses an event after librdkafka's own
// retries (message.timeout.ms), it is logged and counted
// (e911_ingest_delivery_failures_total), and health turns down while the
// producer has a fatal error.

#include <atomic>
#include <chrono>
#include <vector>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/config.h"
#include "common/kafka/properties.h"
#include "common/observability/health.h"
#include "common/observability/metrics_registry.h"
#include "common/service/service.h"
#include "producers/ingest/sip_ingest.h"
#include "producers/ingest/sip_listener.h"
#include "producers/ingest/webhook_server.h"

namespace e911::ingest {

struct IngestServiceOptions {
  kafka::Properties kafka{};
  Config::Topics topics{};
  SipListenerOptions sip{};
  SipIngestOptions ingest{};
  std::optional<WebhookOptions> http{};  // none: no HTTP endpoint
  // How long an HTTP request waits for Kafka's acknowledgement before it is
  // answered 503 (the sender retries).
  std::chrono::milliseconds http_ack_timeout{10000};
  std::size_t dead_letter_max_payload = 64 * 1024;
};

struct IngestServiceStats {
  std::uint64_t events = 0;      // call events handed to the producer
  std::uint64_t delivered = 0;   // acknowledged by Kafka
  std::uint64_t delivery_failures = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t ignored = 0;
  std::uint64_t rejected = 0;    // dead-lettered
};

class IngestService final : public service::Service {
 public:
  IngestService(IngestServiceOptions options, observability::MetricsRegistry metrics);
  ~IngestService() override;
  IngestService(const IngestService&) = delete;
  IngestService& operator=(const IngestService&) = delete;

  // Connects the producer, binds the listeners (throws std::runtime_error
  // naming the address when one cannot be bound), then handles what the
  // mirrors send until `stop`; then closes the sockets and waits for
  // outstanding deliveries.
  void run(const std::atomic<bool>& stop) override;
  observability::HealthStatus health() const override;
  bool started() const override { return started_.load(); }
  bool has_partitions() const override { return started_.load(); }

  IngestServiceStats stats() const;
  // The bound ports, once started (the real ones when configured as 0).
  std::optional<std::uint16_t> sip_udp_port() const;
  std::optional<std::uint16_t> sip_tcp_port() const;
  std::optional<std::uint16_t> http_port() const;

 private:
  struct Metrics;
  struct Runtime;
  // A record from a mirror socket: decoded, counted, produced.
  void handle(std::string_view record, std::string_view socket);
  // Counts a result and dead-letters rejected input (`where` it came in).
  void record(const IngestResult& result, std::string_view payload, std::string_view where);
  // Produces and waits for Kafka (HTTP requests): nullopt when all were acknowledged.
  std::optional<std::string> publish(const std::vector<OutgoingEvent>& events);

  IngestServiceOptions options_;
  std::unique_ptr<Metrics> metrics_;
  std::mutex ingest_mu_;  // SipIngest keeps dialog state: one message at a time
  SipIngest ingest_;
  mutable std::mutex runtime_mu_;      // runtime_ as health() sees it
  std::unique_ptr<Runtime> runtime_;  // producer, dead-letter writer, listeners: while running
  std::atomic<bool> started_{false};
  std::atomic<std::uint16_t> udp_port_{0}, tcp_port_{0}, http_port_{0};
};

}  // namespace e911::ingest
