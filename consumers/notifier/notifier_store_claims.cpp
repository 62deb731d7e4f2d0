// The shared store's leases and claims (PostgreSQL only): each instance
// keeps a lease row alive; a survivor takes over the live rows of owners
// without one. Times are the database's clock, so instances' clocks may
// drift without one taking over from another that is alive.
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <stdexcept>

#include "common/sql/connection.h"
#include "common/sql/location.h"
#include "common/sql/rows.h"
#include "consumers/notifier/notifier_store.h"

namespace e911::notifier {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::now;
using sql::i64;
using sql::str;

namespace {

constexpr const char* kDatabaseNow = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";

// The claim's clock: one instant for the whole claim transaction, so its
// three takes (alerts, calls, outbox) agree on whose lease has run out. With
// the wall clock, a lease running out between two statements had its owner's
// outbox taken and its alerts left for the next round.
constexpr const char* kClaimNow = "(EXTRACT(EPOCH FROM transaction_timestamp()) * 1000)::BIGINT";

constexpr const char* kDatabaseStart = "(EXTRACT(EPOCH FROM pg_postmaster_start_time()) * 1000)::BIGINT";

// Owners without a live lease: expired, released, or never written. A
// lease that ran out while the database was down (before it started
// again) counts as live for one lease time (the second parameter) after
// the start: its owner may be alive and had no database to renew with;
// taking its work would send its alerts twice.
const std::string kOrphaned = std::string("owner <> ? AND owner NOT IN (SELECT owner FROM notifier_leases WHERE ") +
                              "expires_at >= " + kClaimNow + " OR (expires_at <= " + kDatabaseStart + " AND " +
                              kClaimNow + " < " + kDatabaseStart + " + ?))";

void require_shared(bool shared) {
  if (!shared) throw std::logic_error("leases and claims need a shared (PostgreSQL) notifier store");
}

}  // namespace

NotifierStore::LeaseRenewal NotifierStore::renew_lease(EpochMillis ttl_ms) {
  require_shared(shared());
  std::lock_guard lock(lease_mu_);  // not mu_: see lease_session_
  lease_ttl_ms_ = static_cast<std::int64_t>(ttl_ms);
  // A connection the server dropped (a restart) is replaced at once, once;
  // a database still away fails this renewal, and the next one (StoreLease,
  // a third of the TTL later) tries again. A lease that lapses meanwhile
  // is fenced.
  for (;;) {
    const bool fresh = !lease_session_;  // a second pass is always on a fresh connection
    try {
      if (fresh) lease_session_ = sql::open_postgresql(location_.target, connect_timeout_s_);
      return renew_lease_on(*lease_session_, ttl_ms);
    } catch (const std::exception& e) {
      const bool lost = !lease_session_ || !lease_session_->isConnected() || sql::is_connection_error(e.what());
      if (lost) lease_session_.reset();
      if (!lost || fresh) {
        throw std::runtime_error("notifier store " + location_.display_name +
                                 ": lease renewal failed: " + sql::without_secrets(location_, e.what()));
      }
    }
  }
}

NotifierStore::LeaseRenewal NotifierStore::renew_lease_on(Poco::Data::Session& session, EpochMillis ttl_ms) {
  LeaseRenewal renewal{std::chrono::steady_clock::now(), false};
  // This instance's own lease run out: the database was away longer than
  // the TTL (a restart, the network), and every other instance's lease
  // ran out with it. Those still alive get one TTL to renew theirs before
  // anyone takes their work: taking it would send their alerts twice.
  Poco::Int64 lapsed = 0;
  session << sql(std::string("SELECT COUNT(*) FROM notifier_leases WHERE owner = ? AND expires_at < ") + kDatabaseNow),
      bind(owner_), Poco::Data::Keywords::into(lapsed), now;
  if (lapsed > 0) {
    renewal.lapsed = true;
    claim_not_before_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(ttl_ms);
    log_.warn("notifier store lease had run out; claiming nothing for one lease time",
              {{"store", location_.display_name}, {"ttl_ms", ttl_ms}});
  }
  session << sql(std::string("INSERT INTO notifier_leases (owner, expires_at) VALUES (?, ") + kDatabaseNow +
                 " + ?) ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at"),
      bind(owner_), bind(static_cast<Poco::Int64>(ttl_ms)), now;
  // A renewal that ends past the time the last one held the lease until
  // may have taken effect after it ran out (it waited on a lock, a slow
  // database, a frozen process), and the check above, made first, would
  // not see it: the lease test found a claim, queued behind such a
  // renewal, taking work at once as if nothing had lapsed.
  const auto ended = std::chrono::steady_clock::now();
  if (!renewal.lapsed && lease_holds_until_ && ended >= *lease_holds_until_) {
    renewal.lapsed = true;
    claim_not_before_ = ended + std::chrono::milliseconds(ttl_ms);
    log_.warn("notifier store lease renewed only after it may have run out; claiming nothing for one lease time",
              {{"store", location_.display_name}, {"ttl_ms", ttl_ms}});
  }
  lease_holds_until_ = renewal.sent_at + std::chrono::milliseconds(ttl_ms);
  return renewal;
}

bool NotifierStore::owns(const std::string& notification_id) {
  if (!shared()) return true;
  return locked([&] {
    Poco::Int64 mine = 0;
    *session_ << sql("SELECT COUNT(*) FROM alerts WHERE notification_id = ? AND owner = ?"), bind(notification_id),
        bind(owner_), Poco::Data::Keywords::into(mine), now;
    return mine > 0;
  });
}

// A transaction a frozen instance (a long pause, a stalled VM) left open
// would keep its row locks for as long as it is frozen: survivors' claims
// skip those rows, and another instance admitting the same call again
// waits on them, its lease unrenewed meanwhile. The server ends such a
// transaction once it has been idle one lease time; the instance, when it
// wakes, finds its connection gone and retries on a fresh one.
void NotifierStore::apply_idle_timeout_locked() {
  const auto ttl = lease_ttl_ms_.load();
  if (ttl <= 0 || !session_) return;  // SQLite, or no lease yet
  const auto wanted = std::max<std::int64_t>(ttl, kMinIdleTimeoutMs);
  if (wanted == idle_timeout_applied_ms_) return;
  *session_ << "SET idle_in_transaction_session_timeout = " + std::to_string(wanted), now;
  idle_timeout_applied_ms_ = wanted;
}

void NotifierStore::release_lease() {
  require_shared(shared());
  std::lock_guard lock(lease_mu_);  // not mu_, and no retry: a stop does not wait for a database that is away
  if (!lease_session_) throw std::runtime_error("notifier store " + location_.display_name + ": not connected");
  *lease_session_ << sql("DELETE FROM notifier_leases WHERE owner = ?"), bind(owner_), now;
}

// Each table's orphaned live rows are locked as they are read (rows
// another survivor is claiming are skipped, not waited for: it takes them)
// and become this instance's in the same transaction.
ClaimedWork NotifierStore::claim_expired() {
  return locked([&] {
    require_shared(shared());
    ClaimedWork claimed;
    {
      std::lock_guard lease(lease_mu_);  // the only order: mu_, then lease_mu_
      // Nothing while this instance's own lease is not known to hold (a
      // claim that waited here on a renewal stuck past it), nor for one
      // lease time after a lapse (renew_lease_on): its peers' leases may
      // have run out with it, and they are alive.
      const auto at = std::chrono::steady_clock::now();
      if (!lease_holds_until_ || at >= *lease_holds_until_ || at < claim_not_before_) return claimed;
    }
    auto tx = transaction_locked();
    {
      Poco::Data::Statement stmt(*session_);
      stmt << sql(std::string("SELECT notification_id, ack_id FROM alerts WHERE state = 'pending' AND ") + kOrphaned +
                  " FOR UPDATE SKIP LOCKED"),
          bind(owner_), bind(static_cast<Poco::Int64>(lease_ttl_ms_.load())), now;
      Poco::Data::RecordSet rs(stmt);
      std::vector<std::pair<std::string, std::string>> ids;  // notification id, ack id
      for (bool more = rs.moveFirst(); more; more = rs.moveNext()) ids.emplace_back(str(rs, 0), str(rs, 1));
      for (const auto& [id, ack_id] : ids) {
        *session_ << sql("UPDATE alerts SET owner = ? WHERE notification_id = ?"), bind(owner_), bind(id), now;
        if (auto a = alert_by_ack_locked(ack_id)) claimed.alerts.push_back(std::move(*a));
      }
    }
    {
      Poco::Data::Statement stmt(*session_);
      stmt << sql(std::string("SELECT call_id, ack_due_at FROM calls WHERE ack_due_at > 0 AND acknowledged_at = 0 "
                              "AND escalated_to = '' AND ") +
                  kOrphaned + " FOR UPDATE SKIP LOCKED"),
          bind(owner_), bind(static_cast<Poco::Int64>(lease_ttl_ms_.load())), now;
      Poco::Data::RecordSet rs(stmt);
      for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        StoredCall c;
        c.call_id = str(rs, 0);
        c.ack_due_at = i64(rs, 1);
        claimed.calls.push_back(std::move(c));
      }
      for (const auto& c : claimed.calls) {
        *session_ << sql("UPDATE calls SET owner = ? WHERE call_id = ?"), bind(owner_), bind(c.call_id), now;
      }
    }
    {
      // Queued again under new sequence numbers: this instance's publisher
      // reads its outbox in sequence order from where it is.
      Poco::Data::Statement stmt(*session_);
      stmt << sql(std::string("SELECT seq, key, value FROM outbox WHERE ") + kOrphaned +
                  " ORDER BY seq FOR UPDATE SKIP LOCKED"),
          bind(owner_), bind(static_cast<Poco::Int64>(lease_ttl_ms_.load())), now;
      Poco::Data::RecordSet rs(stmt);
      std::vector<OutboxRecord> records;
      for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        records.push_back({i64(rs, 0), str(rs, 1), str(rs, 2)});
      }
      for (const auto& r : records) {
        *session_ << sql("DELETE FROM outbox WHERE seq = ?"), bind(static_cast<Poco::Int64>(r.seq)), now;
      }
      insert_records_locked(records);
      claimed.records = records.size();
    }
    // An expired lease is forgotten once nothing live is its owner's (rows
    // another survivor skipped above keep it until that one commits).
    *session_ << sql(std::string("DELETE FROM notifier_leases l WHERE l.expires_at < ") + kClaimNow +
                     " AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.owner = l.owner AND a.state = 'pending')"
                     " AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.owner = l.owner AND c.ack_due_at > 0"
                     " AND c.acknowledged_at = 0 AND c.escalated_to = '')"
                     " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.owner = l.owner)"),
        now;
    tx.commit();
    return claimed;
  });
}

}  // namespace e911::notifier
