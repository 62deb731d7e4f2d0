#pragma once
// The auditor as a Kafka service: consumes e911.emergency-calls,
// e911.notifications, e911.elin-lookups and e911.location-updates (each
// of the last two when its topic is named; a topic that does not exist
// yet is logged and the others are read) in the e911-auditor group and
// journals every record
// (AuditStore::ingest: entries, derived per-call rows and the group's
// offsets in ONE transaction).
//
// Effectively-once (docs/auditor.md, "Consumer"):
// - Records are taken in batches: up to batch_max, or what one poll round
//   has ready (a batch never waits to fill).
// - A batch is one ingest(); only after it returns are the records
//   acknowledged to Kafka. Kafka's committed offsets follow, but are not
//   what a restart trusts: each assigned partition starts at the offset
//   stored in the database with the entries (a partition the database has
//   no offset for starts at its beginning).
// - A record that cannot be decoded goes to the dead-letter topic with the
//   reason; its offset is still in the batch's offsets once Kafka has
//   acknowledged the dead letter (at-least-once dead letters: a crash
//   between the two repeats it).
// - A store error is logged and counted and the same batch is retried with
//   backoff on a fresh connection, never skipped; before a retry the
//   stored offsets are read again, so records a lost commit acknowledgement
//   did journal are not journaled twice.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/config.h"
#include "common/json_reader.h"
#include "common/kafka/properties.h"
#include "common/observability/health.h"
#include "common/observability/metrics_registry.h"
#include "common/service/service.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/auditor_config.h"
#include "consumers/auditor/chain_watch.h"
#include "consumers/auditor/journal/entry_signer.h"

namespace e911::auditor {

struct AuditorServiceOptions {
  kafka::Properties kafka;
  // Reads emergency_calls, notifications, elin_lookups and location_updates
  // (those two if named), writes dead_letter.
  Config::Topics topics;
  std::string group_id = "e911-auditor";
  std::string instance_id{};  // group.instance.id: a static member (docs/operations.md); empty: dynamic
  std::size_t batch_max = 500;
  StoreRetry store_retry;
  std::size_t dead_letter_max_payload = 64 * 1024;
  JsonLimits json_limits;
  // How long one poll waits for the first record of a batch: how soon a
  // stop is noticed when idle.
  std::chrono::milliseconds poll_timeout{100};
  // Verifying the journal on a schedule while run() runs (chain_watch.h):
  // only with keys to verify with and an interval above 0.
  ChainWatchOptions chain_watch{std::chrono::seconds(0), {}};
};

// What open_audit_store(url, options) opens, as an AuditStoreOpener.
AuditStoreOpener store_opener(std::string url, AuditStoreOptions options = {});

struct AuditorServiceStats {
  std::uint64_t records = 0;          // records consumed (every topic)
  std::uint64_t entries_written = 0;  // journal entries committed
  std::uint64_t dead_letters = 0;     // records dead-lettered (delivered)
  std::uint64_t batches = 0;          // ingest() calls committed
  std::uint64_t store_errors = 0;     // store calls that failed (each retried)
  std::uint64_t records_acked = 0;    // records acknowledged to Kafka
  std::int64_t last_seq = 0;          // the journal's last seq, as last written or read
};

class AuditorService final : public service::Service {
 public:
  // Opens the store and registers the metrics. Connects nothing to Kafka
  // yet. A database that cannot be reached (down, restarting, the network
  // away: sql::is_connection_error) is waited for, backing off as
  // options.store_retry says, for up to kOpenWaitFor, as later operations
  // wait for it; any other failure, or one past that time, throws
  // std::runtime_error naming the store.
  AuditorService(AuditorServiceOptions options, AuditStoreOpener open_store, Signer signer,
                 observability::MetricsRegistry metrics);
  ~AuditorService() override;
  static constexpr std::chrono::minutes kOpenWaitFor{5};
  AuditorService(const AuditorService&) = delete;
  AuditorService& operator=(const AuditorService&) = delete;

  // Consumes until `stop` is set: the batch in hand is finished (or, while
  // the store is failing, left unacknowledged to be read again), then the
  // consumer closes. Throws on a fatal Kafka error, after closing.
  void run(const std::atomic<bool>& stop) override;

  // The journal's store name, for messages (never with a password).
  const std::string& store_name() const;

  observability::HealthStatus health() const override;  // thread-safe, no I/O
  AuditorServiceStats stats() const;
  bool started() const override;
  bool has_partitions() const override;  // see service::Service

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace e911::auditor
