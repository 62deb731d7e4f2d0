#include "producers/locations/locations_service.h"

#include <future>
#include <utility>

#include "common/json_writer.h"
#include "common/kafka/producer.h"
#include "common/kafka/topic_tail.h"
#include "common/reload_signal.h"
#include "producers/locations/book_records.h"
#include "producers/locations/locations_log.h"
#include "registry/registry_file.h"
#include "registry/reload_metrics.h"

namespace e911::locations {

struct LocationsService::Metrics {
  observability::MetricsRegistry registry;  // keeps the families below alive
  prometheus::Family<prometheus::Counter>* requests = nullptr;
  prometheus::Family<prometheus::Counter>* registrations = nullptr;
  prometheus::Family<prometheus::Counter>* personal_data_reads = nullptr;
  prometheus::Family<prometheus::Counter>* updates_read = nullptr;
  prometheus::Family<prometheus::Counter>* held_answers = nullptr;
  prometheus::Gauge* registered_users = nullptr;
  prometheus::Family<prometheus::Counter>* reminders = nullptr;
  registry::RegistryReloadMetrics registry_reloads;

  explicit Metrics(observability::MetricsRegistry r)
      : registry(std::move(r)), registry_reloads(registry, "locations") {
    requests = &registry.counter("locations", "requests",
                                 "HTTP requests answered, by endpoint (me, status, register, admin_users, held, "
                                 "page, other) and status code");
    registrations = &registry.counter("locations", "registrations",
                                      "Registrations asked for, by outcome (accepted, refused: the address failed "
                                      "its checks, unacknowledged: Kafka did not acknowledge in time)");
    for (const auto* o : {"accepted", "refused", "unacknowledged"}) registrations->Add({{"outcome", o}});
    personal_data_reads = &registry.counter("locations", "personal_data_reads",
                                            "Answers that disclosed a registered address, by reader (user: their "
                                            "own; admin: listings)");
    for (const auto* r : {"user", "admin"}) personal_data_reads->Add({{"reader", r}});
    updates_read = &registry.counter("locations", "location_updates_read",
                                     "Messages read from the location-updates topic, by outcome (applied, older, "
                                     "withdrawn, unreadable)");
    for (const auto* o : {"applied", "older", "withdrawn", "unreadable"}) updates_read->Add({{"outcome", o}});
    held_answers = &registry.counter("locations", "held_answers",
                                     "HELD location requests answered, by outcome (located, location-unknown, "
                                     "not-locatable, ..., refused-client)");
    for (std::size_t i = 0; i < kHeldOutcomeCount; ++i)
      held_answers->Add({{"outcome", std::string(held_outcome_name(static_cast<HeldOutcome>(i)))}});
    registered_users = &registry.gauge("locations", "registered_users", "Users with a registered location").Add({});
    reminders = &registry.counter("locations", "reminders",
                                  "Reminders due, by reason (missing, zone-changed, stale, network-changed) and "
                                  "outcome (sent, unrecorded: sent but not on the reminders topic, failed: the "
                                  "relay did not take it, no_address)");
    for (const auto r : {ReminderReason::missing, ReminderReason::zone_changed, ReminderReason::stale,
                         ReminderReason::network_changed}) {
      for (const auto* o : {"sent", "unrecorded", "failed", "no_address"})
        reminders->Add({{"reason", std::string(reason_name(r))}, {"outcome", o}});
    }
  }
};

// What exists while the service runs and request threads reach.
struct LocationsService::Runtime {
  std::unique_ptr<kafka::Producer> producer;
  std::unique_ptr<Reminders> reminders;
  std::unique_ptr<ReminderLoop> reminder_loop;  // stopped before the rest goes
};

LocationsService::LocationsService(LocationsServiceOptions options, observability::MetricsRegistry metrics)
    : options_(std::move(options)), metrics_(std::make_unique<Metrics>(std::move(metrics))) {}

LocationsService::~LocationsService() = default;

std::shared_ptr<const registry::Registry> LocationsService::registry() const {
  std::lock_guard lock(registry_mu_);
  return registry_;
}

std::optional<std::uint16_t> LocationsService::port() const {
  const auto p = port_.load();
  return p ? std::optional<std::uint16_t>(p) : std::nullopt;
}

observability::HealthStatus LocationsService::health() const {
  if (!started_.load()) return observability::HealthStatus::down("reading the registrations");
  std::lock_guard lock(runtime_mu_);
  if (runtime_ && runtime_->producer) {
    if (const auto fatal = runtime_->producer->fatal_error()) return observability::HealthStatus::down(*fatal);
  }
  return observability::HealthStatus::ok();
}

std::uint64_t LocationsService::reminder_checks() const {
  std::lock_guard lock(runtime_mu_);
  return runtime_ && runtime_->reminder_loop ? runtime_->reminder_loop->checks() : 0;
}

std::optional<Error> LocationsService::produce_acknowledged(const std::string& topic, const std::string& key,
                                                           const std::string& value) {
  kafka::Producer* producer = nullptr;
  {
    std::lock_guard lock(runtime_mu_);
    if (runtime_) producer = runtime_->producer.get();
  }
  if (!producer) return Error{"the service is stopping"};
  auto acknowledged = std::make_shared<std::promise<std::string>>();
  auto result = acknowledged->get_future();
  try {
    producer->produce(topic, key, value, {},
                      [acknowledged](const kafka::DeliveryReport& report) { acknowledged->set_value(report.error); });
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  if (result.wait_for(options_.ack_timeout) != std::future_status::ready) {
    return Error{"Kafka did not acknowledge within " + std::to_string(options_.ack_timeout.count()) + " ms"};
  }
  if (auto error = result.get(); !error.empty()) return Error{std::move(error)};
  return std::nullopt;
}

void LocationsService::record_sighting(const SightingRecord& record) {
  kafka::Producer* producer = nullptr;
  {
    std::lock_guard lock(runtime_mu_);
    if (runtime_) producer = runtime_->producer.get();
  }
  if (!producer) return;
  // Not waited for: the user's answer does not depend on it, and a lost
  // sighting only delays a reminder until the client is seen again.
  try {
    producer->produce(options_.topics.location_sightings, record.user_id, encode_sighting_record(record), {},
                      [](const kafka::DeliveryReport& report) {
                        if (!report.error.empty()) logger().warn("sighting not recorded", {{"error", report.error}});
                      });
  } catch (const std::exception& e) {
    logger().warn("sighting not recorded", {{"error", e.what()}});
  }
}

std::unique_ptr<Reminders> LocationsService::make_reminders() {
  auto client = std::make_shared<mail::SmtpClient>(options_.reminders.smtp);
  ReminderBackend backend;
  backend.book = &book_;
  backend.registry = [this] { return registry(); };
  backend.send = [client](const mail::Email& email) { return client->send(email); };
  backend.record = [this](const ReminderRecord& record) {
    return produce_acknowledged(options_.topics.location_reminders, record.user_id, encode_reminder_record(record));
  };
  backend.on_outcome = [this](ReminderReason reason, std::string_view outcome) {
    metrics_->reminders->Add({{"reason", std::string(reason_name(reason))}, {"outcome", std::string(outcome)}})
        .Increment();
  };
  return std::make_unique<Reminders>(options_.reminders, options_.api.identity.link_secret, options_.api.stale_after,
                                     std::move(backend));
}

void LocationsService::run(const std::atomic<bool>& stop) {
  registry::RegistryFile registry_file(options_.registry_path, options_.registry_check_interval);
  {
    std::lock_guard lock(registry_mu_);
    registry_ = registry_file.registry();
  }
  auto apply = [&](const kafka::Message& m) {
    const auto outcome = apply_location_update(book_, m);
    metrics_->updates_read->Add({{"outcome", std::string(outcome_name(outcome))}}).Increment();
  };

  auto runtime = std::make_unique<Runtime>();
  const bool reminding = options_.reminders.enabled;
  std::vector<std::string> produced_to = {options_.topics.location_updates, options_.topics.location_sightings};
  if (reminding) produced_to.push_back(options_.topics.location_reminders);
  runtime->producer = std::make_unique<kafka::Producer>(
      options_.kafka, kafka::ProducerOptions{.client_id = "e911-locations", .topics = produced_to});
  kafka::TopicTail updates(options_.kafka, options_.topics.location_updates, {}, options_.startup_timeout);
  const auto read = updates.catch_up(apply, options_.startup_timeout);
  // Where users' clients were seen, whichever replica answered them.
  kafka::TopicTail sightings(options_.kafka, options_.topics.location_sightings, {}, options_.startup_timeout);
  const auto apply_sighting = [&](const kafka::Message& m) { apply_sighting_record(book_, m); };
  sightings.catch_up(apply_sighting, options_.startup_timeout);
  // The reminders sent (by this service before a restart, or another
  // replica): the book's last_reminded_at.
  std::unique_ptr<kafka::TopicTail> reminded;
  const auto apply_reminder = [&](const kafka::Message& m) { apply_reminder_record(book_, m); };
  // The networks users' emergency calls came from (reminders,
  // "network-changed").
  std::unique_ptr<kafka::TopicTail> calls;
  const auto apply_call = [&](const kafka::Message& m) { apply_call_event(book_, m); };
  if (reminding) {
    reminded = std::make_unique<kafka::TopicTail>(options_.kafka, options_.topics.location_reminders,
                                                  std::vector<std::int32_t>{}, options_.startup_timeout);
    reminded->catch_up(apply_reminder, options_.startup_timeout);
    calls = std::make_unique<kafka::TopicTail>(options_.kafka, options_.topics.call_events,
                                               std::vector<std::int32_t>{}, options_.startup_timeout);
    calls->catch_up(apply_call, options_.startup_timeout);
    runtime->reminders = make_reminders();
  }
  metrics_->registered_users->Set(static_cast<double>(book_.registrations()));
  logger().info("registrations read", {{"topic", options_.topics.location_updates}, {"messages", read},
                                        {"users", book_.registrations()}});
  {
    std::lock_guard lock(runtime_mu_);
    runtime_ = std::move(runtime);
  }

  LocationsBackend backend;
  backend.book = &book_;
  backend.registry = [this] { return registry(); };
  backend.check_address = [this](const CivicAddress& address) {
    auto verdict = options_.check_address ? options_.check_address(address) : AddressCheck{};
    if (verdict.problem) metrics_->registrations->Add({{"outcome", "refused"}}).Increment();
    return verdict;
  };
  backend.publish = [this](const LocationUpdate& update) {
    auto failed = produce_acknowledged(options_.topics.location_updates, update.user_id,
                                       json::encode_location_update(update));
    metrics_->registrations->Add({{"outcome", failed ? "unacknowledged" : "accepted"}}).Increment();
    return failed;
  };
  backend.record_sighting = [this](const SightingRecord& record) { record_sighting(record); };
  backend.on_answer = [this](std::string_view endpoint, int status) {
    metrics_->requests->Add({{"endpoint", std::string(endpoint)}, {"code", std::to_string(status)}}).Increment();
  };
  backend.on_personal_data_read = [this](std::string_view reader) {
    metrics_->personal_data_reads->Add({{"reader", std::string(reader)}}).Increment();
  };
  std::unique_ptr<HeldResponder> held;
  LocationsApiOptions api_options = options_.api;
  if (options_.held) {
    held = std::make_unique<HeldResponder>(*options_.held, [this] { return registry(); }, [this](HeldOutcome o) {
      metrics_->held_answers->Add({{"outcome", std::string(held_outcome_name(o))}}).Increment();
    });
    api_options.held_path = held->path();
    backend.held = [h = held.get()](const net::HttpRequest& request) { return h->answer(request); };
  }
  auto api = std::make_unique<LocationsApi>(std::move(api_options), std::move(backend));
  port_.store(api->port());
  if (reminding) {
    auto loop = std::make_unique<ReminderLoop>(*runtime_->reminders, options_.reminders.check_interval);
    std::lock_guard lock(runtime_mu_);
    runtime_->reminder_loop = std::move(loop);
  }
  started_.store(true);
  logger().info("serving", {{"port", api->port()}, {"registry", options_.registry_path}});

  while (!stop.load()) {
    updates.poll(apply, std::chrono::milliseconds(200));
    sightings.poll(apply_sighting, std::chrono::milliseconds(0));
    if (reminded) reminded->poll(apply_reminder, std::chrono::milliseconds(0));
    if (calls) calls->poll(apply_call, std::chrono::milliseconds(0));
    metrics_->registered_users->Set(static_cast<double>(book_.registrations()));
    const auto reload = registry_file.poll(std::chrono::steady_clock::now(), take_reload_request());
    if (!reload) continue;
    if (!reload->ok) {
      metrics_->registry_reloads.reload_failed();
      logger().error("registry reload failed; the previous registry stays in force",
                     {{"registry", options_.registry_path}, {"errors", reload->errors},
                      {"first_error", reload->first_error}});
      continue;
    }
    std::shared_ptr<const registry::Registry> before;
    {
      std::lock_guard lock(registry_mu_);
      before = std::exchange(registry_, registry_file.registry());
    }
    if (reminding) runtime_->reminders->registry_reloaded(*before, *registry(), now_millis());
    metrics_->registry_reloads.reloaded();
    logger().info("registry reloaded", {{"registry", options_.registry_path}, {"trigger", reload->trigger}});
  }

  started_.store(false);
  api.reset();  // no request is being answered after this
  std::unique_ptr<ReminderLoop> loop;
  {
    std::lock_guard lock(runtime_mu_);
    loop = std::move(runtime_->reminder_loop);
  }
  loop.reset();  // a check in progress finishes, and records what it sent
  std::unique_ptr<Runtime> done;
  {
    std::lock_guard lock(runtime_mu_);
    done = std::move(runtime_);
  }
  done->producer->drain(std::chrono::seconds(10));
  port_.store(0);
}

}  // namespace e911::locations
