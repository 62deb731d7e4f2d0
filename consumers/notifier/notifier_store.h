#pragma once
// The notifier's durable state, through Poco::Data: one SQLite file in the
// state directory (WAL journal) by default, or a PostgreSQL database that
// several instances share (notifier.store; docs/decisions/0010):
//
// - calls:  every emergency call admitted (its document, to render alerts
//           again after a restart), its acknowledgement and escalation;
// - alerts: one row per (call, channel, address), the sent-log and the
//           retry queue at once: state pending (to send or retry, with the
//           time of the next attempt), sent or failed;
// - outbox: notification records not yet acknowledged by Kafka, written in
//           the same transaction as the state change they describe, so a
//           crash loses none of them.
//
// A call's offset is committed to Kafka only after admit() has committed
// its alerts here: from then on a SIGKILL loses nothing, and a redelivered
// call finds its alerts already recorded and sends nothing twice.
//
// Shared (PostgreSQL): every alert, call and outbox record carries its
// owner, the instance that admitted (or claimed) it; an instance reads and
// writes only its own (an update of a row another instance claimed changes
// nothing and says so). Each instance renews a lease; a survivor claims
// the live rows of owners whose lease expired (notifier_store_claims.cpp).
// On SQLite the owner is always '' (one instance per file).
//
// Threads: every method may be called from any thread (one connection
// behind a mutex; SQLite writes are serial anyway).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/sql/dialect.h"
#include "common/sql/location.h"
#include "common/sql/transaction.h"
#include "common/timestamp.h"

namespace Poco::Data {
class Session;
}

namespace e911::notifier {

struct StoredCall {
  std::string call_id;
  std::string document;  // the e911.emergency-call/v1 JSON as consumed
  EpochMillis received_at = 0;
  std::string list;            // the list first alerted
  EpochMillis ack_due_at = 0;  // escalate if not acknowledged by then; 0: no acknowledgement wait
  EpochMillis acknowledged_at = 0;
  std::string acknowledged_by;
  std::string escalated_to;  // the list escalated to; empty: not escalated
};

enum class AlertState { pending, sent, failed };
std::string_view alert_state_name(AlertState state);

struct StoredAlert {
  std::string notification_id;
  std::string call_id;
  std::string list;
  std::string recipient_name;
  std::string channel;  // channel_name()
  std::string address;
  std::string escalation_note;  // why this list was alerted instead of the call's own; empty: not an escalation
  std::string ack_id;           // the acknowledgement token's id
  AlertState state = AlertState::pending;
  int attempts = 0;
  EpochMillis first_attempt_at = 0;  // 0: not attempted yet
  EpochMillis next_attempt_at = 0;
  std::string last_error;
  std::string provider_id;
  EpochMillis created_at = 0;
  EpochMillis done_at = 0;
};

// A notification record for Kafka, queued in the store's outbox.
struct OutboxRecord {
  std::int64_t seq = 0;  // assigned by the store
  std::string key;       // the call id
  std::string value;     // encode_notification()
};

struct AckResult {
  enum class Kind { acknowledged, already_acknowledged, expired, unknown };
  Kind kind = Kind::unknown;
  std::string call_id;
  std::string acknowledged_by;  // who (now, or before)
  EpochMillis acknowledged_at = 0;
  std::optional<StoredAlert> alert;  // the alert the token was sent with
};

enum class Durability {
  normal,  // synchronous=NORMAL: survives a process crash (SIGKILL); the last commits may be lost on power loss
  full,    // synchronous=FULL: every commit is on disk before it returns
};

// What claim_expired() took over from instances whose lease expired.
struct ClaimedWork {
  std::vector<StoredAlert> alerts;  // pending, to send or retry
  std::vector<StoredCall> calls;    // awaiting acknowledgement
  std::size_t records = 0;          // outbox records, queued again under this owner
  bool empty() const { return alerts.empty() && calls.empty() && records == 0; }
};

class NotifierStore {
 public:
  // Opens (creating) the SQLite file and brings its schema up to date.
  // Throws std::runtime_error naming the file on failure.
  explicit NotifierStore(const std::string& path, Durability durability = Durability::normal);
  // Opens `location` (SQLite or PostgreSQL); on PostgreSQL the rows this
  // instance writes carry `owner`. Throws std::runtime_error naming the
  // store (never its password).
  NotifierStore(const sql::Location& location, std::string owner, Durability durability, int connect_timeout_s);
  ~NotifierStore();
  NotifierStore(const NotifierStore&) = delete;
  NotifierStore& operator=(const NotifierStore&) = delete;

  // One transaction: the call (if not yet recorded), each alert whose
  // notification_id is not yet recorded, and `records` for the new ones
  // (record_for(alert) is called for each new alert). Returns the alerts
  // that were new; a redelivered call returns none.
  template <typename RecordFor>
  std::vector<StoredAlert> admit(const StoredCall& call, const std::vector<StoredAlert>& alerts,
                                 RecordFor&& record_for);

  // One transaction: the alert's new state and the records describing it.
  // False (nothing written) when the alert is no longer this instance's:
  // another claimed it while this one's lease had lapsed.
  bool update_alert(const StoredAlert& alert, const std::vector<OutboxRecord>& records);

  // Marks the call escalated to `list` and adds its alerts, unless it was
  // already escalated or acknowledged (then false, nothing written).
  template <typename RecordFor>
  bool escalate(const std::string& call_id, const std::string& list, const std::vector<StoredAlert>& alerts,
                const std::vector<OutboxRecord>& records, std::vector<StoredAlert>& added, RecordFor&& record_for);

  // The first use of a token's id acknowledges its call (recording who and
  // `record`'s value); later uses, and ids older than `ttl_ms`, change
  // nothing. `make_record` builds the record from the alert.
  template <typename MakeRecord>
  AckResult acknowledge(const std::string& ack_id, EpochMillis now, EpochMillis ttl_ms, MakeRecord&& make_record);

  std::optional<StoredCall> call(const std::string& call_id);
  std::optional<StoredAlert> alert_by_ack(const std::string& ack_id);
  std::vector<StoredAlert> alerts_of(const std::string& call_id);
  // This instance's (owner's) pending alerts.
  std::vector<StoredAlert> pending_alerts();
  // This instance's calls with an acknowledgement wait that are neither
  // acknowledged nor escalated.
  std::vector<StoredCall> calls_awaiting_ack();

  // This instance's outbox records after `after_seq`, in sequence order.
  std::vector<OutboxRecord> unpublished(std::size_t limit, std::int64_t after_seq = 0);
  void remove_published(const std::vector<std::int64_t>& seqs);
  std::size_t outbox_size();

  struct Counts {
    std::size_t calls = 0, pending = 0, sent = 0, failed = 0;
  };
  Counts counts();

  // Shared by several instances (PostgreSQL): leases and claims apply.
  bool shared() const { return dialect_.engine == sql::Engine::postgresql; }
  const std::string& owner() const { return owner_; }
  const std::string& display_name() const { return location_.display_name; }

  // Shared store only (notifier_store_claims.cpp). This instance's lease
  // runs until `ttl_ms` from now by the database's clock (one clock for
  // every instance, however theirs drift).
  struct LeaseRenewal {
    std::chrono::steady_clock::time_point sent_at;  // when the renewal that succeeded was sent
    // The lease had run out before it, or may have: it took effect only
    // after the time the last renewal was known to hold it until.
    bool lapsed = false;
  };
  LeaseRenewal renew_lease(EpochMillis ttl_ms);
  // Whether the alert is this instance's (always on SQLite): another
  // claims it when this one's lease lapses.
  bool owns(const std::string& notification_id);
  // Takes over, atomically against other survivors (FOR UPDATE SKIP
  // LOCKED), the pending alerts, calls awaiting acknowledgement and outbox
  // records of owners without a live lease, and forgets their expired
  // leases once nothing live is theirs.
  ClaimedWork claim_expired();
  // Drops this instance's lease (a clean stop): its rows become claimable
  // at once.
  void release_lease();

 private:
  LeaseRenewal renew_lease_on(Poco::Data::Session& session, EpochMillis ttl_ms);  // under lease_mu_
  // The non-template parts the templates call, under mu_.
  bool insert_call_locked(const StoredCall& call);
  bool insert_alert_locked(const StoredAlert& alert);
  void insert_records_locked(const std::vector<OutboxRecord>& records);
  // Inserts the alerts not stored yet (appending them to `added`), then
  // `records` and the record each new alert asks for.
  template <typename RecordFor>
  void insert_alerts_locked(const std::vector<StoredAlert>& alerts, std::vector<OutboxRecord> records,
                            std::vector<StoredAlert>& added, RecordFor& record_for);
  std::optional<StoredCall> call_locked(const std::string& call_id);
  std::optional<StoredAlert> alert_by_ack_locked(const std::string& ack_id);
  bool set_escalated_locked(const std::string& call_id, const std::string& list);
  bool set_acknowledged_locked(const std::string& call_id, EpochMillis at, const std::string& by);
  sql::Transaction transaction_locked();
  std::string sql(std::string_view statement) const { return sql::placeholders_for(dialect_, statement); }
  void open(const sql::Location& location, Durability durability, int connect_timeout_s);

  // Runs `fn` (one transaction, or one read) under mu_. On PostgreSQL, when
  // the connection is lost (the server restarted, or unreachable for a
  // while), `fn` is run again, whole, on a fresh connection, backing off
  // from 0.2 s to 5 s, for up to kReconnectFor; every thread needing the
  // store waits meanwhile, as it would for a slow one. Other errors, the
  // last one after kReconnectFor, and every error on SQLite are thrown.
  // A commit whose outcome the lost connection hid may be redone: each
  // write is idempotent (keyed inserts, state updates) but the outbox's,
  // whose record may then be published twice (the auditor merges them).
  template <typename F>
  auto locked(F&& fn) -> decltype(fn());
  // After a failure of `fn`: true if it was the connection (which is then
  // dropped, to be opened again) and there is time left to retry.
  bool connection_lost_locked(const std::exception& e, std::chrono::steady_clock::time_point give_up);
  void reconnect_locked();
  static constexpr std::chrono::minutes kReconnectFor{5};

  std::mutex mu_;
  std::unique_ptr<Poco::Data::Session> session_;  // null while reconnecting
  // The lease's own connection, under lease_mu_ (never mu_): a renewal
  // must not queue behind the work it fences. With every worker's writes
  // and the admissions on one connection, a loaded machine or a slow
  // database kept renewals waiting past the lease time; survivors then
  // claimed alerts whose attempts were under way, and sent them again
  // (the fault campaign's seeds 4060, 4062 and 4063).
  std::mutex lease_mu_;
  std::unique_ptr<Poco::Data::Session> lease_session_;  // null until the first renewal, or after a lost connection
  // No claim before then (claim_expired): set when this instance found its
  // own lease run out as it renewed it. Under lease_mu_.
  std::chrono::steady_clock::time_point claim_not_before_{};
  // Until when the last successful renewal is known to hold the lease (its
  // start by this clock, plus the TTL); unset before the first. Under
  // lease_mu_.
  std::optional<std::chrono::steady_clock::time_point> lease_holds_until_;
  std::atomic<std::int64_t> lease_ttl_ms_{0};  // the last renew_lease's
  // The server ends the main session's transactions idle that long: the
  // lease time, at least kMinIdleTimeoutMs (notifier_store_claims.cpp);
  // applied by locked() when it differs from what the session has.
  void apply_idle_timeout_locked();
  std::int64_t idle_timeout_applied_ms_ = 0;  // under mu_; 0 on a fresh session
  static constexpr std::int64_t kMinIdleTimeoutMs = 1000;
  sql::Location location_;  // its display_name for messages: the file, or the server without its password
  int connect_timeout_s_ = 10;
  Logger log_{"notifier"};
  sql::Dialect dialect_;
  std::string owner_;  // '' on SQLite
};

// ---- templates ----

template <typename F>
auto NotifierStore::locked(F&& fn) -> decltype(fn()) {
  std::lock_guard lock(mu_);
  const auto give_up = std::chrono::steady_clock::now() + kReconnectFor;
  auto delay = std::chrono::milliseconds(200);
  for (;;) {
    try {
      if (!session_) reconnect_locked();
      apply_idle_timeout_locked();
      return fn();
    } catch (const std::exception& e) {
      if (!connection_lost_locked(e, give_up)) throw;
    }
    std::this_thread::sleep_for(delay);  // backing off before the next connection attempt
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
}

template <typename RecordFor>
void NotifierStore::insert_alerts_locked(const std::vector<StoredAlert>& alerts, std::vector<OutboxRecord> records,
                                         std::vector<StoredAlert>& added, RecordFor& record_for) {
  for (const auto& a : alerts) {
    if (!insert_alert_locked(a)) continue;
    added.push_back(a);
    if (auto r = record_for(a)) records.push_back(std::move(*r));
  }
  insert_records_locked(records);
}

template <typename RecordFor>
std::vector<StoredAlert> NotifierStore::admit(const StoredCall& call, const std::vector<StoredAlert>& alerts,
                                              RecordFor&& record_for) {
  return locked([&] {
    auto tx = transaction_locked();
    std::vector<StoredAlert> fresh;
    insert_call_locked(call);
    insert_alerts_locked(alerts, {}, fresh, record_for);
    tx.commit();
    return fresh;
  });
}

template <typename RecordFor>
bool NotifierStore::escalate(const std::string& call_id, const std::string& list,
                             const std::vector<StoredAlert>& alerts, const std::vector<OutboxRecord>& records,
                             std::vector<StoredAlert>& added, RecordFor&& record_for) {
  return locked([&] {
    auto tx = transaction_locked();
    if (!set_escalated_locked(call_id, list)) return false;  // rolled back (or another instance escalated it)
    insert_alerts_locked(alerts, records, added, record_for);
    tx.commit();
    return true;
  });
}

template <typename MakeRecord>
AckResult NotifierStore::acknowledge(const std::string& ack_id, EpochMillis now, EpochMillis ttl_ms,
                                     MakeRecord&& make_record) {
  return locked([&] {
    AckResult result;
    auto alert = alert_by_ack_locked(ack_id);
    if (!alert) return result;
    result.call_id = alert->call_id;
    result.alert = alert;
    auto call = call_locked(alert->call_id);
    if (call && call->acknowledged_at != 0) {
      result.kind = AckResult::Kind::already_acknowledged;
      result.acknowledged_by = call->acknowledged_by;
      result.acknowledged_at = call->acknowledged_at;
      return result;
    }
    if (now > alert->created_at + ttl_ms) {
      result.kind = AckResult::Kind::expired;
      return result;
    }
    auto tx = transaction_locked();
    if (!set_acknowledged_locked(alert->call_id, now, alert->recipient_name)) {
      // Another instance acknowledged it meanwhile (a shared store).
      tx.rollback();
      result.kind = AckResult::Kind::already_acknowledged;
      if (auto now_call = call_locked(alert->call_id)) {
        result.acknowledged_by = now_call->acknowledged_by;
        result.acknowledged_at = now_call->acknowledged_at;
      }
      return result;
    }
    insert_records_locked({make_record(*alert)});
    tx.commit();
    result.kind = AckResult::Kind::acknowledged;
    result.acknowledged_by = alert->recipient_name;
    result.acknowledged_at = now;
    return result;
  });
}

}  // namespace e911::notifier
