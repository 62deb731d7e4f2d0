#include "producers/ingest/ingest_service.h"

#include <array>
#include <chrono>

#include "common/kafka/dead_letter_writer.h"
#include "common/kafka/producer.h"
#include "common/log.h"
#include "common/timestamp.h"

namespace e911::ingest {
namespace {

constexpr std::array<const char*, 3> kTransports{"siptrace", "hep", "http"};
constexpr std::array<const char*, 4> kOutcomes{"event", "duplicate", "ignored", "rejected"};

const char* outcome_name(IngestResult::Kind kind) {
  switch (kind) {
    case IngestResult::Kind::event: return "event";
    case IngestResult::Kind::duplicate: return "duplicate";
    case IngestResult::Kind::ignored: return "ignored";
    case IngestResult::Kind::rejected: return "rejected";
  }
  return "rejected";
}

const char* type_name(CallEventType type) {
  switch (type) {
    case CallEventType::initiated: return "call.initiated";
    case CallEventType::answered: return "call.answered";
    case CallEventType::ended: return "call.ended";
  }
  return "call.initiated";
}

}  // namespace

struct IngestService::Metrics {
  struct Counts {
    std::atomic<std::uint64_t> events{0}, delivered{0}, delivery_failures{0}, duplicates{0}, ignored{0}, rejected{0};
  };
  std::shared_ptr<Counts> counts = std::make_shared<Counts>();
  observability::MetricsRegistry registry;  // keeps the families below alive
  prometheus::Family<prometheus::Counter>* messages = nullptr;
  prometheus::Family<prometheus::Counter>* events = nullptr;
  prometheus::Counter* location_dropped = nullptr;
  prometheus::Counter* delivery_failures = nullptr;
  prometheus::Counter* stream_errors = nullptr;

  explicit Metrics(observability::MetricsRegistry r) : registry(std::move(r)) {
    messages = &registry.counter("ingest", "messages",
                                 "Messages received from mirrors and webhooks, by transport and outcome (event, "
                                 "duplicate, ignored, rejected)");
    events = &registry.counter("ingest", "call_events", "Call events produced, by type");
    location_dropped = &registry
                            .counter("ingest", "location_rejected",
                                     "Locations conveyed with a call (PIDF-LO) that could not be used; the call "
                                     "event went on without them")
                            .Add({});
    delivery_failures =
        &registry.counter("ingest", "delivery_failures", "Call events Kafka did not acknowledge (lost: a mirror "
                                                         "cannot resend)")
             .Add({});
    stream_errors = &registry.counter("ingest", "stream_errors", "TCP mirror connections closed on unframeable input")
                         .Add({});
    // Every series at 0 from start-up, so the first one after a restart shows in increase().
    for (const auto* t : kTransports)
      for (const auto* o : kOutcomes) messages->Add({{"transport", t}, {"outcome", o}});
    for (auto type : {CallEventType::initiated, CallEventType::answered, CallEventType::ended})
      events->Add({{"type", type_name(type)}});
  }
};

struct IngestService::Runtime {
  std::unique_ptr<kafka::Producer> producer;
  std::unique_ptr<kafka::DeadLetterWriter> dead_letters;
  std::unique_ptr<SipListeners> listeners;
};

IngestService::IngestService(IngestServiceOptions options, observability::MetricsRegistry metrics)
    : options_(std::move(options)), metrics_(std::make_unique<Metrics>(metrics)), ingest_(options_.ingest) {}

IngestService::~IngestService() = default;

std::optional<std::uint16_t> IngestService::sip_udp_port() const {
  const auto p = udp_port_.load();
  return p ? std::optional<std::uint16_t>(p) : std::nullopt;
}

std::optional<std::uint16_t> IngestService::sip_tcp_port() const {
  const auto p = tcp_port_.load();
  return p ? std::optional<std::uint16_t>(p) : std::nullopt;
}

IngestServiceStats IngestService::stats() const {
  const auto& c = *metrics_->counts;
  return {c.events.load(), c.delivered.load(), c.delivery_failures.load(),
          c.duplicates.load(), c.ignored.load(), c.rejected.load()};
}

observability::HealthStatus IngestService::health() const {
  if (!started_.load()) return observability::HealthStatus::down("not started");
  std::lock_guard lock(runtime_mu_);
  if (runtime_ && runtime_->producer) {
    if (const auto fatal = runtime_->producer->fatal_error()) return observability::HealthStatus::down("Kafka: " + *fatal);
  }
  return observability::HealthStatus::ok("listening");
}

void IngestService::handle(std::string_view record, std::string_view socket_transport) {
  const auto now = now_millis();
  IngestResult result;
  {
    std::lock_guard lock(ingest_mu_);
    result = ingest_.handle_packet(record, now);
  }
  auto& counts = *metrics_->counts;
  metrics_->messages->Add({{"transport", result.transport}, {"outcome", outcome_name(result.kind)}}).Increment();
  static const Logger log("ingest");
  switch (result.kind) {
    case IngestResult::Kind::event: {
      ++counts.events;
      metrics_->events->Add({{"type", type_name(result.type)}}).Increment();
      if (result.location_dropped) metrics_->location_dropped->Increment();
      auto shared = metrics_->counts;
      auto* failures = metrics_->delivery_failures;
      const std::string event_id = result.event_id;
      try {
        runtime_->producer->produce(options_.topics.call_events, result.key, result.json, {},
                                    [shared, failures, event_id](const kafka::DeliveryReport& report) {
                                      if (report.ok()) {
                                        ++shared->delivered;
                                        return;
                                      }
                                      ++shared->delivery_failures;
                                      failures->Increment();
                                      Logger("ingest").error("call event not delivered",
                                                             {{"event_id", event_id}, {"error", report.error}});
                                    });
      } catch (const std::exception& e) {
        ++counts.delivery_failures;
        metrics_->delivery_failures->Increment();
        log.error("call event not enqueued", {{"event_id", event_id}, {"error", e.what()}});
      }
      log.debug("call event", {{"event_id", result.event_id}, {"type", type_name(result.type)},
                               {"transport", result.transport}});
      break;
    }
    case IngestResult::Kind::duplicate:
      ++counts.duplicates;
      break;
    case IngestResult::Kind::ignored:
      ++counts.ignored;
      break;
    case IngestResult::Kind::rejected: {
      ++counts.rejected;
      kafka::DeadLetterRecord record_out;
      record_out.component = "ingest";
      record_out.reason = result.reason;
      record_out.topic = result.transport + "/" + std::string(socket_transport);
      record_out.payload = std::string(record);
      record_out.at = now;
      try {
        runtime_->dead_letters->write(record_out);
      } catch (const std::exception& e) {
        log.error("dead-letter record not enqueued", {{"error", e.what()}});
      }
      // The reason names what is wrong; the message itself (personal data) stays out of the log.
      log.warn("SIP message rejected", {{"reason", result.reason}, {"transport", result.transport},
                                        {"socket", std::string(socket_transport)}, {"bytes", std::to_string(record.size())}});
      break;
    }
  }
}

void IngestService::run(const std::atomic<bool>& stop) {
  static const Logger log("ingest");
  auto runtime = std::make_unique<Runtime>();
  kafka::ProducerOptions producer_options;
  producer_options.client_id = "e911-ingest";
  producer_options.topics = {options_.topics.call_events, options_.topics.dead_letter};
  runtime->producer = std::make_unique<kafka::Producer>(options_.kafka, producer_options);
  runtime->dead_letters = std::make_unique<kafka::DeadLetterWriter>(*runtime->producer, options_.topics.dead_letter,
                                                                     "ingest", options_.dead_letter_max_payload);
  {
    std::lock_guard lock(runtime_mu_);
    runtime_ = std::move(runtime);
  }
  try {
    runtime_->listeners = std::make_unique<SipListeners>(
        options_.sip, [this](std::string_view record, std::string_view transport) { handle(record, transport); },
        [this](const std::string& reason) {
          metrics_->stream_errors->Increment();
          Logger("ingest").warn("SIP TCP stream closed", {{"reason", reason}});
        });
  } catch (...) {
    std::lock_guard lock(runtime_mu_);
    runtime_.reset();
    throw;
  }
  udp_port_ = runtime_->listeners->udp_port().value_or(0);
  tcp_port_ = runtime_->listeners->tcp_port().value_or(0);
  log.info("listening", {{"sip_udp", options_.sip.udp.empty() ? "off" : options_.sip.udp},
                         {"sip_udp_port", std::to_string(udp_port_.load())},
                         {"sip_tcp", options_.sip.tcp.empty() ? "off" : options_.sip.tcp},
                         {"sip_tcp_port", std::to_string(tcp_port_.load())}});
  started_ = true;
  while (!stop.load()) runtime_->listeners->poll(std::chrono::milliseconds(200));
  runtime_->listeners->close();
  started_ = false;
  if (!runtime_->producer->drain(std::chrono::seconds(10)))
    log.error("stopping with call events not acknowledged by Kafka");
  std::lock_guard lock(runtime_mu_);
  runtime_.reset();
}

}  // namespace e911::ingest
