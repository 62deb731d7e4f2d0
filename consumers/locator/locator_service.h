#pragma once
// The locator as a Kafka service: consumes e911.call-events in the
// e911-locator group, resolves each emergency or test call with
// LocatorCore and produces it to e911.emergency-calls (key: call id).
//
// Delivery: a call event's offset is stored only when its emergency call
// is acknowledged by Kafka (acks=all), or its dead-letter record is, or it
// needed no output. If an emergency call cannot be delivered at all the
// service stops with an error instead of moving on, so the event is
// consumed again after the restart rather than lost.
//
// Registered locations: every instance follows all partitions of the
// compacted e911.location-updates topic outside the group (TopicTail), so
// call events can move between instances on a rebalance without any state
// hand-over. Start-up reads the topic to its end before the first call
// event is taken; afterwards new updates are applied before each call.
//
// ELINs: a call located in a zone or site with an ELIN pool is assigned one
// (elin_pool.h), recorded on the compacted e911.elin-assignments topic (key
// the ELIN), which every instance follows like the location updates: they
// assign from one view of each pool, a restart reads it back, and the call
// event is done only once Kafka has both the call and its assignment. Each
// assignment is a claim, read back before the call is conveyed: of two
// instances assigning one ELIN in the same instant, the second chooses
// again (elin_pool.h, "Claims"). Without that topic the assignments are
// kept in the process only (logged at start).
//
// ELIN lookups: with locator.elin_lookup on, an HTTP endpoint answers whom
// a callback to an ELIN reaches from this instance's view, and every answer
// goes to e911.elin-lookups for the auditor (elin_lookup_endpoint.h).
//
// Registry: reloaded when the file changes or on SIGHUP; an invalid file is
// reported and the previous registry stays in force.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/config.h"
#include "common/kafka/properties.h"
#include "common/observability/health.h"
#include "common/observability/metrics_registry.h"
#include "common/service/service.h"
#include "consumers/locator/elin_lookup_endpoint.h"

namespace e911::locator {

struct LocatorServiceOptions {
  kafka::Properties kafka;  // librdkafka properties (bootstrap.servers, security...)
  Config::Topics topics;
  std::string group_id = "e911-locator";
  std::string instance_id{};  // group.instance.id: a static member (docs/operations.md); empty: dynamic
  std::string registry_path;
  // How often the registry file's modification time is checked.
  std::chrono::milliseconds registry_check_interval{2000};
  // Reading e911.location-updates to its end at start-up.
  std::chrono::milliseconds startup_timeout{120000};
  std::size_t dead_letter_max_payload = 64 * 1024;
  std::size_t dedup_capacity = 1'000'000;
  // How long an ELIN assignment says whom a callback reaches.
  std::chrono::milliseconds elin_window = std::chrono::hours(3);
  // The ELIN lookup endpoint (elin_lookup_endpoint.h); nullopt: off.
  std::optional<ElinLookupOptions> elin_lookup{};
};

// The librdkafka properties of the locator's call-event consumer: the
// configured ones, with a prefetch of up to 128 MiB unless they set
// queued.max.messages.kbytes. librdkafka 2.0 looks at a full prefetch queue
// again only at its next wake-up, up to a second later, so the queue must
// hold about a second of the locator's pace (some 370,000 call events,
// 130 MB) for a backlog to be read without pauses: with librdkafka's
// 64 MiB the loop idled a fifth of the time (docs/benchmarks.md, "Platform
// refactor"). The other consumers are slower than their prefetch drains.
kafka::Properties call_event_consumer_properties(kafka::Properties configured);

struct LocatorServiceStats {
  std::uint64_t call_events = 0;       // call-events messages handled
  std::uint64_t emergency_calls = 0;   // emergency calls acknowledged by Kafka
  std::uint64_t dead_letters = 0;      // dead-letter records acknowledged
  std::uint64_t location_updates = 0;  // location-updates messages read
  std::uint64_t registry_reloads = 0;  // successful reloads
  std::uint64_t registry_reload_failures = 0;
  std::size_t registered_users = 0;
};

class LocatorService final : public service::Service {
 public:
  // Loads the registry (throws std::runtime_error naming every problem if it
  // is invalid) and registers the metrics. Connects nothing yet.
  LocatorService(LocatorServiceOptions options, observability::MetricsRegistry metrics);
  ~LocatorService() override;
  LocatorService(const LocatorService&) = delete;
  LocatorService& operator=(const LocatorService&) = delete;

  // Connects, rebuilds the registered locations, then consumes until `stop`
  // is set; finishes in-flight work, commits and leaves the group. Throws
  // (KafkaError, std::runtime_error) on a fatal error, after closing.
  void run(const std::atomic<bool>& stop) override;

  // Live once started, while the loop keeps polling and nothing failed.
  // Thread-safe.
  observability::HealthStatus health() const override;
  LocatorServiceStats stats() const;
  // True once the registered locations are rebuilt and call events flow.
  bool started() const override;
  bool has_partitions() const override;  // see service::Service

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace e911::locator
