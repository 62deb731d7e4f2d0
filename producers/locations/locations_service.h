#pragma once
// The location service as a running component (`e911 locations`,
// docs/locations.md): reads e911.location-updates from its beginning into
// the registration book, keeps the site registry in force (reloaded when
// the file changes or on SIGHUP), and serves the API, the page and HELD
// (locations_api.h). A registration is produced to e911.location-updates,
// keyed by user, and answered only once Kafka acknowledged it.
//
// With reminders on (reminders.h), it also reads e911.location-reminders
// into the book at start and e-mails the reminders due every
// check_interval, on a thread of its own.
//
// Ready (health, started()) once the topics have been read to their end:
// before that it would tell users nothing is registered when something is.

#include <atomic>
#include <chrono>
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
#include "producers/locations/held_responder.h"
#include "producers/locations/locations_api.h"
#include "producers/locations/registration_book.h"
#include "producers/locations/reminders.h"

namespace e911::locations {

struct LocationsServiceOptions {
  kafka::Properties kafka{};
  Config::Topics topics{};
  std::string registry_path{};
  std::chrono::milliseconds registry_check_interval{5000};
  LocationsApiOptions api{};
  // HELD for SIP proxies on the same endpoint; none: off.
  std::optional<HeldResponderOptions> held{};
  // Checks an address before it is accepted (address_rules.h, and the
  // validation provider when one is configured).
  std::function<AddressCheck(const CivicAddress&)> check_address{};
  // How long a registration waits for Kafka's acknowledgement before it
  // is answered 503.
  std::chrono::milliseconds ack_timeout{10000};
  std::chrono::milliseconds startup_timeout{60000};
  ReminderOptions reminders{};
};

class LocationsService final : public service::Service {
 public:
  LocationsService(LocationsServiceOptions options, observability::MetricsRegistry metrics);
  ~LocationsService() override;
  LocationsService(const LocationsService&) = delete;
  LocationsService& operator=(const LocationsService&) = delete;

  // Loads the registry (throws naming every problem), connects to Kafka,
  // reads the registrations, then listens until `stop`.
  void run(const std::atomic<bool>& stop) override;
  observability::HealthStatus health() const override;
  bool started() const override { return started_.load(); }
  bool has_partitions() const override { return started_.load(); }

  // The bound port of the API, once started.
  std::optional<std::uint16_t> port() const;
  const RegistrationBook& book() const { return book_; }
  // Reminder checks completed since start (0 with reminders off).
  std::uint64_t reminder_checks() const;

 private:
  struct Metrics;
  struct Runtime;

  // Produces and waits for Kafka's acknowledgement (ack_timeout): nullopt
  // once acknowledged, else why not.
  std::optional<Error> produce_acknowledged(const std::string& topic, const std::string& key, const std::string& value);
  std::unique_ptr<Reminders> make_reminders();
  // Produces `record` to the sightings topic without waiting.
  void record_sighting(const SightingRecord& record);
  std::shared_ptr<const registry::Registry> registry() const;

  LocationsServiceOptions options_;
  std::unique_ptr<Metrics> metrics_;
  RegistrationBook book_;
  mutable std::mutex registry_mu_;
  std::shared_ptr<const registry::Registry> registry_;
  mutable std::mutex runtime_mu_;
  std::unique_ptr<Runtime> runtime_;
  std::atomic<bool> started_{false};
  std::atomic<std::uint16_t> port_{0};
};

}  // namespace e911::locations
