#include "producers/ingest/ingest_service.h"

#include <array>
#include <chrono>
#include <condition_variable>

#include "common/kafka/dead_letter_writer.h"
#include "common/kafka/producer.h"
#include "common/log.h"
#include "common/timestamp.h"
#include "registry/reload_metrics.h"

namespace e911::ingest {
namespace {

constexpr std::array<const char*, 5> kTransports{"siptrace", "hep", "http", "zoom", "teams"};
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
  prometheus::Family<prometheus::Counter>* rate_limited = nullptr;
  std::optional<registry::RegistryReloadMetrics> registry_in_force;  // with ingest.registry

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
    rate_limited = &registry.counter("ingest", "http_rate_limited",
                                     "HTTP requests answered 429 because their client was over ingest.http.rate_limit "
                                     "(the sender retries), by transport");
    for (const auto* t : {"http", "zoom", "teams"}) rate_limited->Add({{"transport", t}});
    // Every series at 0 from start-up, so the first one after a restart shows in increase().
    for (const auto* t : kTransports)
      for (const auto* o : kOutcomes) messages->Add({{"transport", t}, {"outcome", o}});
    for (auto type : {CallEventType::initiated, CallEventType::answered, CallEventType::ended})
      events->Add({{"type", call_event_type_name(type)}});
  }
};

struct IngestService::Runtime {
  std::unique_ptr<kafka::Producer> producer;
  std::unique_ptr<kafka::DeadLetterWriter> dead_letters;
  std::unique_ptr<SipListeners> listeners;
  std::unique_ptr<WebhookServer> http;
};

IngestService::IngestService(IngestServiceOptions options, observability::MetricsRegistry metrics)
    : options_(std::move(options)), metrics_(std::make_unique<Metrics>(metrics)), ingest_(options_.ingest) {
  // The registry (ingest.registry) is read once, at start-up, when the
  // configuration is loaded: it is in force, and is never reloaded.
  if (options_.ingest.dial_plan) metrics_->registry_in_force.emplace(metrics, "ingest");
}

IngestService::~IngestService() = default;

std::optional<std::uint16_t> IngestService::sip_udp_port() const {
  const auto p = udp_port_.load();
  return p ? std::optional<std::uint16_t>(p) : std::nullopt;
}

std::optional<std::uint16_t> IngestService::http_port() const {
  const auto p = http_port_.load();
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

void IngestService::record(const IngestResult& result, std::string_view payload, std::string_view where) {
  static const Logger log("ingest");
  auto& counts = *metrics_->counts;
  metrics_->messages->Add({{"transport", result.transport}, {"outcome", outcome_name(result.kind)}}).Increment();
  switch (result.kind) {
    case IngestResult::Kind::event:
      ++counts.events;
      metrics_->events->Add({{"type", call_event_type_name(result.type)}}).Increment();
      if (result.location_dropped) metrics_->location_dropped->Increment();
      break;
    case IngestResult::Kind::duplicate:
      ++counts.duplicates;
      break;
    case IngestResult::Kind::ignored:
      ++counts.ignored;
      break;
    case IngestResult::Kind::rejected: {
      ++counts.rejected;
      kafka::DeadLetterRecord dead;
      dead.component = "ingest";
      dead.reason = result.reason;
      dead.topic = result.transport + "/" + std::string(where);
      dead.payload = std::string(payload);
      dead.at = now_millis();
      try {
        runtime_->dead_letters->write(dead);
      } catch (const std::exception& e) {
        log.error("dead-letter record not enqueued", {{"error", e.what()}});
      }
      // The reason names what is wrong; the message itself (personal data) stays out of the log.
      log.warn("input rejected", {{"reason", result.reason}, {"transport", result.transport},
                                  {"via", std::string(where)}, {"bytes", std::to_string(payload.size())}});
      break;
    }
  }
}

void IngestService::handle(std::string_view record_bytes, std::string_view socket) {
  IngestResult result;
  {
    std::lock_guard lock(ingest_mu_);
    result = ingest_.handle_packet(record_bytes, now_millis());
  }
  record(result, record_bytes, socket);
  if (result.kind != IngestResult::Kind::event) return;
  // A mirror cannot resend: a failure is logged and counted.
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
    ++shared->delivery_failures;
    failures->Increment();
    Logger("ingest").error("call event not enqueued", {{"event_id", event_id}, {"error", e.what()}});
  }
}

std::optional<std::string> IngestService::publish(const std::vector<OutgoingEvent>& events) {
  struct Pending {
    std::mutex mu;
    std::condition_variable done;
    std::size_t left = 0;
    std::string error;
  };
  auto pending = std::make_shared<Pending>();
  pending->left = events.size();
  auto shared = metrics_->counts;
  auto* failures = metrics_->delivery_failures;
  const auto finish = [pending](const std::string& error) {
    std::lock_guard lock(pending->mu);
    if (!error.empty() && pending->error.empty()) pending->error = error;
    --pending->left;
    pending->done.notify_all();
  };
  for (const auto& e : events) {
    try {
      runtime_->producer->produce(options_.topics.call_events, e.key, e.json, {},
                                  [finish, shared, failures](const kafka::DeliveryReport& report) {
                                    if (report.ok()) {
                                      ++shared->delivered;
                                    } else {
                                      ++shared->delivery_failures;
                                      failures->Increment();
                                    }
                                    finish(report.ok() ? "" : "Kafka: " + report.error);
                                  });
    } catch (const std::exception& ex) {
      ++shared->delivery_failures;
      failures->Increment();
      finish(std::string("Kafka: ") + ex.what());
    }
  }
  std::unique_lock lock(pending->mu);
  if (!pending->done.wait_for(lock, options_.http_ack_timeout, [&] { return pending->left == 0; }))
    return "Kafka did not acknowledge within " + std::to_string(options_.http_ack_timeout.count()) + " ms";
  if (!pending->error.empty()) return pending->error;
  return std::nullopt;
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
  if (options_.http) {
    WebhookSink sink;
    sink.publish = [this](const std::vector<OutgoingEvent>& events) { return publish(events); };
    sink.decode_sip = [this](std::string_view sip) {
      std::lock_guard lock(ingest_mu_);
      return ingest_.handle_sip(sip, MirrorInfo{.transport = "http"}, now_millis());
    };
    sink.record = [this](const IngestResult& result, std::string_view payload) { record(result, payload, "http"); };
    sink.rate_limited = [this](std::string_view transport) {
      metrics_->rate_limited->Add({{"transport", std::string(transport)}}).Increment();
    };
    try {
      runtime_->http = std::make_unique<WebhookServer>(*options_.http, std::move(sink));
    } catch (...) {
      std::lock_guard lock(runtime_mu_);
      runtime_.reset();
      throw;
    }
    http_port_ = runtime_->http->port();
  }
  udp_port_ = runtime_->listeners->udp_port().value_or(0);
  tcp_port_ = runtime_->listeners->tcp_port().value_or(0);
  log.info("listening", {{"http_port", std::to_string(http_port_.load())}, {"sip_udp", options_.sip.udp.empty() ? "off" : options_.sip.udp},
                         {"sip_udp_port", std::to_string(udp_port_.load())},
                         {"sip_tcp", options_.sip.tcp.empty() ? "off" : options_.sip.tcp},
                         {"sip_tcp_port", std::to_string(tcp_port_.load())}});
  started_ = true;
  while (!stop.load()) runtime_->listeners->poll(std::chrono::milliseconds(200));
  runtime_->listeners->close();
  if (runtime_->http) runtime_->http.reset();  // requests in progress end first
  started_ = false;
  if (!runtime_->producer->drain(std::chrono::seconds(10)))
    log.error("stopping with call events not acknowledged by Kafka");
  std::lock_guard lock(runtime_mu_);
  runtime_.reset();
}

}  // namespace e911::ingest
