#include "consumers/locator/locator_service.h"

#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <span>
#include <system_error>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "common/events.h"
#include "common/kafka/topic_tail.h"
#include "common/service/consumer_service.h"
#include "common/log.h"
#include "common/reload_signal.h"
#include "common/timestamp.h"
#include "common/kafka/error.h"
#include "consumers/locator/batch_decoder.h"
#include "consumers/locator/elin_assignment_record.h"
#include "consumers/locator/locator_core.h"
#include "registry/registry_file.h"
#include "registry/reload_metrics.h"

namespace e911::locator {

namespace {

using Clock = std::chrono::steady_clock;

// How long without any call-events partition before /healthz says so.
constexpr auto kUnassignedLimit = std::chrono::seconds(60);
// An ELIN claim not acknowledged by Kafka in this time fails the service
// (the call event is read again after the restart).
constexpr auto kElinClaimTimeout = std::chrono::seconds(30);
// Claims lost in a row before a call is conveyed with its last choice: each
// loss means another call took an ELIN of the pool, so a pool is exhausted
// (and reuse begins) long before this.
constexpr int kMaxElinClaims = 16;

service::ConsumerServiceOptions shell_options(const LocatorServiceOptions& o, const observability::MetricsRegistry& metrics) {
  auto s = service::consumer_service_options("locator", o, {o.topics.call_events},
                                             {o.topics.emergency_calls, o.topics.elin_assignments});
  s.kafka = call_event_consumer_properties(std::move(s.kafka));
  s.unassigned_limit = kUnassignedLimit;
  s.metrics = metrics;  // the Kafka client's health (lag, assignment, brokers)
  return s;
}

bool has_elin_pools(const registry::Registry& r) {
  for (const auto& site : r.data().sites) {
    if (!site.elins.empty()) return true;
    for (const auto& zone : site.zones) {
      if (!zone.elins.empty()) return true;
    }
  }
  return false;
}

}  // namespace

kafka::Properties call_event_consumer_properties(kafka::Properties configured) {
  kafka::set_default(configured, "queued.max.messages.kbytes", "131072");
  return configured;
}

struct LocatorService::State : service::ConsumerHooks {
  State(LocatorServiceOptions opts, observability::MetricsRegistry registry)
      : options(std::move(opts)),
        metrics(std::move(registry)),
        shell(shell_options(options, metrics)),
        registry_file(options.registry_path, options.registry_check_interval),
        core(registry_file.registry(), options.dedup_capacity, JsonLimits{}, options.elin_window),
        decoder(core, std::thread::hardware_concurrency() > 1),
        call_events(metrics.counter("locator", "call_events", "Call events consumed, by outcome.")),
        location_updates(metrics.counter("locator", "location_updates",
                                         "Location updates read from the location-updates topic, by outcome.")),
        emergency_calls(metrics.counter("locator", "emergency_calls",
                                        "Emergency and test calls conveyed to the emergency-calls topic.")),
        dead_letters(metrics.counter("locator", "dead_letters", "Rejected events written to the dead-letter topic.")
                         .Add({})),
        delivery_failures(metrics.counter("locator", "delivery_failures",
                                          "Messages Kafka did not accept (the service stops on an emergency call).")
                              .Add({})),
        registry_reload_metrics(metrics, "locator"),
        processing(metrics
                       .latency_histogram("locator", "event_processing",
                                          "Time to decode, validate and resolve one call event.")
                       .Add()),
        conveyed(metrics
                     .latency_histogram("locator", "emergency_call_conveyed",
                                        "From reading a call event to Kafka acknowledging its emergency call.")
                     .Add()),
        registered_users(metrics.gauge("locator", "registered_users", "Users with a registered location.").Add({})),
        registry_sites(metrics.gauge("locator", "registry_sites", "Sites in the registry in force.").Add({})),
        elin_claims_lost(metrics
                             .counter("locator", "elin_claims_lost",
                                      "ELIN claims of this locator that another locator's claim preceded "
                                      "(the call was given another ELIN).")
                             .Add({})),
        elin_lookups(metrics.counter("locator", "elin_lookups",
                                     "ELIN lookups answered by the lookup endpoint, by outcome.")) {
    for (const char* outcome : {"reachable", "nobody"}) elin_lookups.Add({{"outcome", outcome}});
    registry_sites.Set(static_cast<double>(core.registry().data().sites.size()));
    elin_pools = has_elin_pools(core.registry());

    // Series looked up once: a labelled Add() per event costs a hash of the labels.
    for (const char* outcome : {"emergency_call", "not_emergency", "duplicate", "rejected", "location_update"}) {
      call_event_counters.emplace(outcome, &call_events.Add({{"outcome", outcome}}));
    }
    for (const char* outcome : {"applied", "ignored", "duplicate", "withdrawn", "rejected", "other"}) {
      location_update_counters.emplace(outcome, &location_updates.Add({{"outcome", outcome}}));
    }
    for (const char* cls : {"emergency", "test"}) {
      for (const char* dispatchable : {"true", "false"}) {
        emergency_call_counters.emplace(std::string(cls) + "/" + dispatchable,
                                        &emergency_calls.Add({{"class", cls}, {"dispatchable", dispatchable}}));
      }
    }
  }

  void count_call_event(std::string_view outcome) { call_event_counters.find(outcome)->second->Increment(); }
  void count_location_update(std::string_view outcome) {
    location_update_counters.find(outcome)->second->Increment();
  }
  void count_emergency_call(const EmergencyCall& call) {
    const std::string key = call.call_class + (call.location.dispatchable ? "/true" : "/false");
    const auto it = emergency_call_counters.find(key);
    if (it != emergency_call_counters.end()) {
      it->second->Increment();
    } else {
      emergency_calls.Add({{"class", call.call_class}, {"dispatchable", call.location.dispatchable ? "true" : "false"}})
          .Increment();
    }
  }

  LocatorServiceOptions options;
  observability::MetricsRegistry metrics;
  service::ConsumerService shell;
  const Logger& log = shell.log();
  registry::RegistryFile registry_file;
  LocatorCore core;
  BatchDecoder decoder;  // call events of the batch in hand, decoded ahead

  prometheus::Family<prometheus::Counter>& call_events;
  prometheus::Family<prometheus::Counter>& location_updates;
  prometheus::Family<prometheus::Counter>& emergency_calls;
  prometheus::Counter& dead_letters;
  prometheus::Counter& delivery_failures;
  registry::RegistryReloadMetrics registry_reload_metrics;
  prometheus::Histogram& processing;
  prometheus::Histogram& conveyed;
  prometheus::Gauge& registered_users;
  prometheus::Gauge& registry_sites;
  std::map<std::string, prometheus::Counter*, std::less<>> call_event_counters;
  std::map<std::string, prometheus::Counter*, std::less<>> location_update_counters;
  std::map<std::string, prometheus::Counter*, std::less<>> emergency_call_counters;

  // The compacted location-updates topic, followed outside the group
  // (while run() runs).
  std::unique_ptr<kafka::TopicTail> updates;
  bool updates_followed = false;  // in the current poll round
  // The compacted ELIN assignments topic, followed the same way: every
  // replica assigns from one view of each pool, and a restart keeps it.
  // Null when the topic cannot be read (assignments then live in this
  // process only, and it says so at start).
  std::unique_ptr<kafka::TopicTail> elin_records;
  bool elin_pools = false;  // the registry in force has any
  // Guards core.elins() against the lookup endpoint's threads (written by
  // the consumer thread only).
  mutable std::mutex elins_mutex;
  prometheus::Counter& elin_claims_lost;
  prometheus::Family<prometheus::Counter>& elin_lookups;
  std::unique_ptr<ElinLookupEndpoint> elin_lookup;  // while run() runs, when configured

  std::atomic<std::uint64_t> n_call_events{0}, n_emergency_calls{0}, n_dead_letters{0}, n_location_updates{0},
      n_reloads{0}, n_reload_failures{0};
  std::atomic<std::size_t> n_users{0};

  void count_users() {
    n_users.store(core.locations().size());
    registered_users.Set(static_cast<double>(core.locations().size()));
  }

  void maybe_reload_registry(Clock::time_point now) {
    const auto reload = registry_file.poll(now, take_reload_request());
    if (!reload) return;
    if (!reload->ok) {
      ++n_reload_failures;
      registry_reload_metrics.reload_failed();
      log.error("registry reload failed; the previous registry stays in force",
                {{"registry", options.registry_path}, {"errors", reload->errors}, {"first_error", reload->first_error}});
      return;
    }
    const auto registry = registry_file.registry();
    core.set_registry(registry);
    ++n_reloads;
    registry_reload_metrics.reloaded();
    registry_sites.Set(static_cast<double>(registry->data().sites.size()));
    elin_pools = has_elin_pools(*registry);
    log.info("registry reloaded",
             {{"registry", options.registry_path}, {"sites", registry->data().sites.size()}, {"trigger", reload->trigger}});
  }

  // A message from e911.location-updates. `history`: read at start-up
  // (rejections were dead-lettered when they first arrived).
  void apply_location_update(const kafka::Message& msg, bool history) {
    ++n_location_updates;
    const auto count = [&](const char* outcome) { count_location_update(outcome); };
    if (msg.tombstone) {
      if (msg.key) core.locations().remove(*msg.key);
      count("withdrawn");
      return;
    }
    std::string reason;
    auto decoded = decode_input_event(msg.value);
    if (!decoded) {
      reason = decoded.error().message;
    } else if (!std::holds_alternative<LocationUpdate>(*decoded)) {
      reason = "type: a call event on the location-updates topic";
    }
    if (reason.empty()) {
      const auto outcome = core.process(*decoded);
      switch (outcome.kind) {
        case Outcome::Kind::location_applied: count("applied"); break;
        case Outcome::Kind::location_ignored: count("ignored"); break;
        case Outcome::Kind::duplicate: count("duplicate"); break;
        default: count("other"); break;
      }
      return;
    }
    count("rejected");
    log.warn("location update rejected", {{"topic", msg.topic}, {"partition", msg.partition},
                                          {"offset", msg.offset}, {"reason", reason}});
    if (!history) {
      shell.dead_letters().write(msg, reason, kafka::Ack{});
      dead_letters.Increment();
      ++n_dead_letters;
    }
  }
  // A record of e911.elin-assignments: applied to the pools (the later of
  // two for one ELIN wins). One that cannot be read is skipped and logged.
  void apply_elin_record(const kafka::Message& msg) {
    if (msg.tombstone) return;
    auto a = decode_elin_assignment(msg.value);
    if (!a) {
      log.warn("ELIN assignment record skipped", {{"topic", msg.topic}, {"partition", msg.partition},
                                                  {"offset", msg.offset}, {"reason", a.error().message}});
      return;
    }
    std::lock_guard lock(elins_mutex);
    core.elins().apply(*a);  // a claim another came before is dropped here
  }

  // Puts the claim of `outcome`'s call on the assignments topic, reads the
  // topic up to it and, when another replica's claim for the same ELIN
  // came first, chooses again (elin_pool.h, "Claims"); the call then
  // carries the ELIN it won. False when Kafka did not take a claim: the
  // service is failing and the event is read again after the restart.
  bool claim_elin(Outcome& outcome) {
    const std::string call_id = outcome.call->call_id;
    for (int attempt = 1; outcome.elin_assigned; ++attempt) {
      const ElinAssignment claim = *outcome.elin_assigned;
      const auto placed = put_claim(claim);
      if (!placed.ok()) {
        delivery_failures.Increment();
        log.error("ELIN claim not accepted by Kafka; stopping so that the call is consumed again after the restart",
                  {{"call_id", call_id}, {"elin", claim.elin}, {"error", placed.error}});
        shell.fail("ELIN claim of call " + call_id + " not delivered: " + placed.error);
        return false;
      }
      // Every claim before ours on that partition, and ours: which won.
      try {
        elin_records->catch_up_to(placed.partition, placed.offset, [&](const kafka::Message& m) { apply_elin_record(m); },
                                  std::chrono::seconds(5));
      } catch (const kafka::KafkaError& e) {
        log.warn("ELIN claim not read back; taking it as lost and choosing again", {{"call_id", call_id}, {"error", e.what()}});
      }
      const auto* latest = core.elins().latest(claim.elin);
      if (latest && latest->call_id == call_id) return true;
      elin_claims_lost.Increment();
      if (attempt == kMaxElinClaims) {
        log.error("ELIN claims kept losing to other locators; conveying the last choice unconfirmed",
                  {{"call_id", call_id}, {"elin", claim.elin}, {"attempts", attempt}});
        return true;
      }
      log.info("ELIN claimed first by another locator; choosing again",
               {{"call_id", call_id}, {"elin", claim.elin}, {"attempt", attempt}});
      core.choose_elin(outcome);
    }
    return true;  // the call holds an ELIN already (another replica handled it too)
  }

  // The claim on Kafka (acks=all), waited for: the call must not convey an
  // ELIN before the claim is known to have won. Where it landed, or why not.
  kafka::DeliveryReport put_claim(const ElinAssignment& claim) {
    auto delivered = std::make_shared<std::promise<kafka::DeliveryReport>>();
    auto report = delivered->get_future();
    shell.producer().produce(options.topics.elin_assignments, claim.elin, encode_elin_assignment(claim), {},
                             [delivered](const kafka::DeliveryReport& r) { delivered->set_value(r); });
    if (report.wait_for(kElinClaimTimeout) != std::future_status::ready) {
      kafka::DeliveryReport late;
      late.error_code = -1;
      late.error = "not acknowledged within " + std::to_string(kElinClaimTimeout.count()) + " s";
      return late;
    }
    return report.get();
  }

  // Before a call that may be given an ELIN: the assignments that have
  // arrived (another replica's a moment ago) are applied first, so the
  // choice is made from a current view. No round trip to Kafka: a choice
  // made from a stale view is a claim that loses and is made again
  // (claim_elin). Only emergency and test numbers, with pools.
  void catch_up_elins(const InputEvent& event) {
    if (!elin_records) return;
    const auto* call = std::get_if<CallEvent>(&event);
    if (!call || call->type != CallEventType::initiated) return;
    if (!elin_pools || !core.registry().dial_plan().maybe_emergency(call->dialed)) return;
    elin_records->poll([&](const kafka::Message& m) { apply_elin_record(m); }, std::chrono::milliseconds(0));
  }

  void open_elin_records() {
    const auto& topic = options.topics.elin_assignments;
    if (topic.empty()) return;
    try {
      elin_records = std::make_unique<kafka::TopicTail>(options.kafka, topic, std::vector<std::int32_t>{},
                                                        options.startup_timeout);
      const auto read = elin_records->catch_up([&](const kafka::Message& m) { apply_elin_record(m); },
                                               options.startup_timeout);
      core.set_elin_claims(true);
      log.info("ELIN assignments read back", {{"topic", topic}, {"records", read}, {"elins", core.elins().size()}});
    } catch (const kafka::KafkaError& e) {
      elin_records.reset();
      log.warn("ELIN assignments are kept in this process only: other replicas do not see them and a restart "
               "loses them (create the compacted topic to share them)",
               {{"topic", topic}, {"error", e.what()}});
    }
  }

  // ---- the shell's hooks (consumer thread) ----

  // Registered locations first: a call must not be resolved without them.
  void starting(service::ConsumerService&) override {
    const auto& topics = options.topics;
    updates = std::make_unique<kafka::TopicTail>(options.kafka, topics.location_updates,
                                                 std::vector<std::int32_t>{}, options.startup_timeout);
    const auto rebuilt = updates->catch_up([&](const kafka::Message& m) { apply_location_update(m, true); },
                                           options.startup_timeout);
    count_users();
    log.info("registered locations rebuilt",
             {{"topic", topics.location_updates}, {"messages", rebuilt}, {"users", core.locations().size()}});
    open_elin_records();
    open_elin_lookup();
    log.info("consuming", {{"topic", topics.call_events}, {"group_id", options.group_id},
                           {"registry", options.registry_path}});
  }

  void follow_updates() {
    if (elin_records) {
      elin_records->poll([&](const kafka::Message& m) { apply_elin_record(m); }, std::chrono::milliseconds(0));
    }
    if (updates->poll([&](const kafka::Message& m) { apply_location_update(m, false); },
                      std::chrono::milliseconds(0)) > 0) {
      count_users();
    }
  }

  void turn(Clock::time_point now) override { maybe_reload_registry(now); }

  // Emergency calls of a batch the decoder took ahead (a backlog) go to
  // Kafka together once the batch is handled: one wake-up of the
  // producer's thread per batch instead of one per call, which on a busy
  // core preempted the loop each time. A call of a small batch (a quiet
  // stream) goes out at once. Not acknowledged until Kafka has it, either
  // way: if the batch fails midway, the calls held here are read again.
  struct HeldCall {
    std::string key;
    std::string value;
    kafka::DeliveryCallback on_delivery;
  };
  std::vector<HeldCall> held_calls;

  void convey(std::string key, std::string value, kafka::DeliveryCallback on_delivery) {
    if (decoder.ahead()) {
      held_calls.push_back({std::move(key), std::move(value), std::move(on_delivery)});
      return;
    }
    shell.producer().produce(options.topics.emergency_calls, key, value, {}, std::move(on_delivery));
  }

  void after_poll(std::size_t handled) override {
    for (auto& c : held_calls) {
      shell.producer().produce(options.topics.emergency_calls, c.key, c.value, {}, std::move(c.on_delivery));
    }
    held_calls.clear();
    // A poll round applies new registrations once, before its first call
    // (below); with no call to handle, keep them current here.
    if (handled == 0) follow_updates();
    updates_followed = false;
  }

  void stopped() override {
    elin_lookup.reset();
    updates.reset();
    elin_records.reset();
  }

  // The lookup endpoint, once the assignments are read back: it answers
  // from this instance's view, and records every answer for the auditor.
  void open_elin_lookup() {
    if (!options.elin_lookup) return;
    State* state = this;
    ElinLookupSink sink;
    sink.lookup = [state](std::string_view elin, EpochMillis now) {
      std::lock_guard lock(state->elins_mutex);
      return state->core.elins().lookup(elin, now);
    };
    sink.record = [state](const ElinLookup& lookup) {
      state->elin_lookups.Add({{"outcome", lookup.answer ? "reachable" : "nobody"}}).Increment();
      state->log.info("ELIN looked up", {{"elin", lookup.elin}, {"by", lookup.by}, {"reachable", lookup.answer.has_value()},
                                         {"call_id", lookup.answer ? lookup.answer->call_id : ""}});
      try {
        state->shell.producer().produce(
            state->options.topics.elin_lookups, lookup.elin, encode_elin_lookup(lookup), {},
            [state, id = lookup.lookup_id](const kafka::DeliveryReport& report) {
              if (report.ok()) return;
              state->delivery_failures.Increment();
              state->log.error("ELIN lookup not accepted by Kafka: it is not journaled",
                               {{"lookup_id", id}, {"error", report.error}});
            });
      } catch (const kafka::KafkaError& e) {
        state->delivery_failures.Increment();
        state->log.error("ELIN lookup not enqueued: it is not journaled",
                         {{"lookup_id", lookup.lookup_id}, {"error", e.what()}});
      }
    };
    elin_lookup = std::make_unique<ElinLookupEndpoint>(*options.elin_lookup, std::move(sink));
  }

  void batch(std::span<const kafka::Message> messages) override { decoder.batch(messages); }

  void handle(const kafka::Message& msg, const kafka::Ack& ack) override {
    ++n_call_events;
    if (!updates_followed) {
      follow_updates();  // a registration made just before the call counts
      updates_followed = true;
    }
    const auto read_at = Clock::now();
    const auto count = [&](const char* outcome) { count_call_event(outcome); };
    Outcome outcome;
    const auto* decoded = decoder.take(msg);
    if (msg.tombstone) {
      outcome.kind = Outcome::Kind::rejected;
      outcome.reason = "value: null (a tombstone), not a call event";
    } else {
      std::optional<Result<InputEvent>> own;
      if (decoded == nullptr) decoded = &own.emplace(core.decode(msg.value));
      if (*decoded) catch_up_elins(**decoded);
      {
        // Without the topic, process() assigns ELINs in place: the lookup
        // endpoint reads them from another thread.
        std::unique_lock lock(elins_mutex, std::defer_lock);
        if (elin_pools && !elin_records) lock.lock();
        outcome = core.process(*decoded);
      }
      if (outcome.elin_assigned && elin_records && !claim_elin(outcome)) return;
    }
    processing.Observe(std::chrono::duration<double>(Clock::now() - read_at).count());
    switch (outcome.kind) {
      case Outcome::Kind::emergency_call: {
        count("emergency_call");
        auto& call = *outcome.call;
        call.resolved_at = now_millis();
        count_emergency_call(call);
        log.info("emergency call resolved",
                 {{"call_id", call.call_id}, {"class", call.call_class}, {"site_id", call.location.site_id},
                  {"source", call.location.source}, {"dispatchable", call.location.dispatchable},
                  {"routing", call.routing}, {"warnings", call.warnings.size()}});
        State* state = this;
        std::string call_id = call.call_id;
        // A new ELIN assignment is on Kafka already (claim_elin), so a
        // callback to the ELIN finds the caller after a restart too.
        convey(
            call.call_id, encode_emergency_call(call),
            [state, ack, read_at, call_id](const kafka::DeliveryReport& report) {
              if (report.ok()) {
                state->conveyed.Observe(std::chrono::duration<double>(Clock::now() - read_at).count());
                ++state->n_emergency_calls;
                ack.done();
                return;
              }
              state->delivery_failures.Increment();
              state->log.error("emergency call not accepted by Kafka; stopping so that it is "
                               "consumed again after the restart",
                               {{"call_id", call_id}, {"error", report.error}});
              state->shell.fail("emergency call " + call_id + " not delivered: " + report.error);
            });
        return;
      }
      case Outcome::Kind::rejected:
        count("rejected");
        log.warn("call event rejected", {{"topic", msg.topic}, {"partition", msg.partition},
                                         {"offset", msg.offset}, {"reason", outcome.reason}});
        shell.dead_letters().write(msg, outcome.reason, ack);
        dead_letters.Increment();
        ++n_dead_letters;
        return;
      case Outcome::Kind::duplicate: count("duplicate"); break;
      case Outcome::Kind::not_emergency: count("not_emergency"); break;
      case Outcome::Kind::location_applied:
      case Outcome::Kind::location_ignored:
        count("location_update");
        count_users();
        break;
    }
    ack.done();
  }
};

LocatorService::LocatorService(LocatorServiceOptions options, observability::MetricsRegistry metrics)
    : state_(std::make_unique<State>(std::move(options), std::move(metrics))) {}

LocatorService::~LocatorService() = default;

void LocatorService::run(const std::atomic<bool>& stop) {
  auto& s = *state_;
  s.shell.run(s, stop);
  s.log.info("stopped", {{"call_events", s.n_call_events.load()}, {"emergency_calls", s.n_emergency_calls.load()}});
}

observability::HealthStatus LocatorService::health() const {
  return state_->shell.health("starting: rebuilding registered locations");
}

bool LocatorService::started() const { return state_->shell.started(); }
bool LocatorService::has_partitions() const { return state_->shell.has_partitions(); }

LocatorServiceStats LocatorService::stats() const {
  const auto& s = *state_;
  return {s.n_call_events.load(),    s.n_emergency_calls.load(), s.n_dead_letters.load(),
          s.n_location_updates.load(), s.n_reloads.load(),       s.n_reload_failures.load(),
          s.n_users.load()};
}

}  // namespace e911::locator
