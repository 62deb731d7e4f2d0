#pragma once
// The notifier as a Kafka service: consumes e911.emergency-calls in the
// e911-notifier group and alerts every contact of the call's notification
// list on every channel the contact has (Kari's Law notification).
//
// Delivery (docs/notifier.md, "Never lost, never late, never doubled"):
// - A call's alerts are first recorded as pending in the state
//   (NotifierStore: SQLite, or PostgreSQL shared by instances); only then
//   is the call's offset stored for commit. A
//   SIGKILL at any later point loses nothing: pending alerts are resumed
//   at start-up.
// - Each alert's first attempt starts at once. Channels have their own
//   worker pools, so a dead SMTP relay never delays SMS or webhooks;
//   within a channel, workers bound the concurrency and every attempt has
//   timeouts.
// - Transient failures are retried with backoff and jitter until the
//   retry deadline; permanent ones are not. When every alert to a list
//   has failed, or nobody on it acknowledges within the acknowledgement
//   timeout, the registry's fallback list is alerted, saying why.
// - Every attempt and outcome is a record on e911.notifications, written
//   to the state's outbox in the same transaction as the state change and
//   published from there, so none is lost either.
// - A redelivered call finds its alerts recorded and sends nothing twice.
// - On a store shared by instances (PostgreSQL), each instance sends only
//   the alerts it owns; a survivor claims and sends those of an instance
//   whose lease expired (store_lease.h).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/config.h"
#include "common/kafka/properties.h"
#include "common/observability/health.h"
#include "common/observability/metrics_registry.h"
#include "common/service/service.h"
#include "consumers/notifier/ack_desk.h"
#include "consumers/notifier/notifier_store.h"
#include "consumers/notifier/retry_policy.h"
#include "consumers/notifier/transport.h"

namespace e911::notifier {

struct NotifierServiceOptions {
  kafka::Properties kafka;
  Config::Topics topics;
  std::string group_id = "e911-notifier";
  std::string instance_id{};  // group.instance.id: a static member (docs/operations.md); empty: dynamic
  std::string registry_path;
  std::string state_dir;  // notifier.db lives here (unless store_url says otherwise)
  Durability durability = Durability::normal;
  // The state's store: empty for sqlite:<state_dir>/notifier.db; a
  // postgresql:// URL for a store instances share (docs/decisions/0010).
  std::string store_url;
  // Shared store only: this instance's owner id (empty: random at start)
  // and how long its lease lives unrenewed before survivors claim its work.
  std::string store_owner;
  std::chrono::milliseconds store_lease_ttl{15000};
  RetryPolicy retry;
  // The transport of each channel. An alert on a channel without one fails
  // at once (and so escalates), saying so.
  std::map<Channel, std::shared_ptr<Transport>> transports;
  std::size_t workers_per_channel = 8;
  // Back-pressure: no new call is taken while this many alerts are
  // pending in memory (an alert storm is drained, not buffered without bound).
  std::size_t max_pending_alerts = 20000;
  std::string webhook_secret;  // signs webhook bodies (X-E911-Signature); empty: unsigned
  // Acknowledgement links: "<ack_base_url>/ack/<token>". Empty: alerts carry
  // no link and nothing escalates for want of an acknowledgement.
  std::string ack_base_url;
  std::string ack_key;  // HMAC key for tokens; required with ack_base_url
  std::chrono::milliseconds ack_timeout{120000};  // 0: never escalate for silence
  std::chrono::milliseconds ack_link_ttl{std::chrono::hours(24)};
  std::chrono::milliseconds registry_check_interval{2000};
  std::size_t dead_letter_max_payload = 64 * 1024;
};

struct NotifierServiceStats {
  std::uint64_t calls = 0;            // emergency-calls messages handled
  std::uint64_t calls_admitted = 0;   // calls whose alerts were recorded
  std::uint64_t duplicate_calls = 0;  // calls whose alerts were all recorded before
  std::uint64_t dead_letters = 0;
  std::uint64_t alerts_sent = 0;
  std::uint64_t alerts_failed = 0;  // failed for good
  std::uint64_t attempts_failed = 0;  // transient failures retried
  std::uint64_t escalations = 0;
  std::uint64_t acknowledgements = 0;
  std::uint64_t records_published = 0;  // notification records Kafka acknowledged
  std::uint64_t ack_checks = 0;         // acknowledgement deadlines reached and checked
  std::uint64_t alerts_claimed = 0;     // pending alerts taken over from instances whose lease expired
  std::uint64_t alerts_lost_to_claim = 0;  // alerts another instance claimed while this one's lease had lapsed
  std::size_t pending_alerts = 0;
  std::size_t unpublished_records = 0;
};

class NotifierService final : public service::Service, public AckDesk {
 public:
  // Loads the registry (throws std::runtime_error naming every problem),
  // opens the state and registers the metrics. Connects nothing yet.
  NotifierService(NotifierServiceOptions options, observability::MetricsRegistry metrics);
  ~NotifierService() override;
  NotifierService(const NotifierService&) = delete;
  NotifierService& operator=(const NotifierService&) = delete;

  // Resumes pending alerts, connects, then consumes until `stop` is set;
  // finishes the call in hand, commits, stops the workers (pending alerts
  // stay recorded for the next start). Throws on a fatal error, after
  // closing.
  void run(const std::atomic<bool>& stop) override;

  // AckDesk, for the acknowledgement endpoint. Thread-safe.
  AckView look_up(std::string_view token) override;
  AckView acknowledge(std::string_view token, std::string_view comment) override;

  // Where acknowledgement links point, when it is known only after
  // construction (a server on a port picked at start-up). Before run().
  void set_ack_base_url(std::string base_url);

  observability::HealthStatus health() const override;
  NotifierServiceStats stats() const;
  bool started() const override;
  bool has_partitions() const override;  // see service::Service

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace e911::notifier
