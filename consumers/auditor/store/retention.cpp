#include "consumers/auditor/store/retention.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <stdexcept>

#include "common/sql/rows.h"
#include "consumers/auditor/store/entry_rows.h"
#include "consumers/auditor/journal/hash_chain.h"

namespace e911::auditor {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::now;

namespace {

// Expired calls: bind the test cutoff, then the emergency cutoff. 'test'
// is the only shorter retention; an unknown class keeps the longer one.
constexpr const char* kExpiredCalls =
    "SELECT call_id FROM audit_calls WHERE occurred_at IS NOT NULL AND ("
    "(call_class = 'test' AND occurred_at < ?) OR "
    "((call_class IS NULL OR call_class <> 'test') AND occurred_at < ?))";

// The append-only guard on DELETE, exactly as the store's migration 1
// creates it (consumers/auditor/audit_store.cpp): lifted and restored
// inside the purge's transaction. RetentionPurge tests compare the schema
// before and after.
constexpr const char* kSqliteDropDeleteGuard = "DROP TRIGGER audit_entries_no_delete";
constexpr const char* kSqliteCreateDeleteGuard =
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END";
constexpr const char* kPostgresqlDisableGuard = "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only";
constexpr const char* kPostgresqlEnableGuard = "ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only";

// ELIN lookups that reached no call (their entries have no call id): they
// keep the emergency retention, counted from when they were journaled.
// Bind the emergency cutoff.
constexpr const char* kExpiredLookups = "call_id = '' AND kind = 'elin.lookup' AND at < ?";

// Registrations (audit_registrations) with the emergency retention,
// counted from when each was registered or withdrawn, except what is in
// force: a user's latest row stays while it is a registration. One whose
// latest is a withdrawal past the retention goes entirely. Bind the
// emergency cutoff twice.
constexpr const char* kExpiredRegistrations =
    "SELECT r.seq FROM audit_registrations r "
    "JOIN (SELECT user_id, MAX(seq) AS last_seq FROM audit_registrations GROUP BY user_id) u "
    "ON u.user_id = r.user_id "
    "JOIN audit_registrations l ON l.seq = u.last_seq "
    "WHERE (l.kind = 'location.withdrawn' AND l.occurred_at < ?) OR (r.seq <> u.last_seq AND r.occurred_at < ?)";

// Which cutoffs a statement's placeholders take, in order.
enum class Binds { test_then_emergency, emergency, emergency_twice };

void bind_cutoffs(Poco::Data::Statement& stmt, Binds binds, const RetentionCutoffs& cutoffs) {
  // bind() copies the values (use() would refer to these locals).
  const Poco::Int64 test = cutoffs.test, emergency = cutoffs.emergency;
  if (binds == Binds::test_then_emergency) stmt, bind(test);
  stmt, bind(emergency);
  if (binds == Binds::emergency_twice) stmt, bind(emergency);
}

using sql::i64;
using sql::str;

struct Expired {
  std::int64_t calls = 0;
  std::int64_t alert_rows = 0;
  std::int64_t call_entries = 0;      // entries of the expired calls
  std::int64_t lookups = 0;           // entries of expired lookups that reached no call
  std::int64_t registrations = 0;     // entries of expired registrations and withdrawals
  std::vector<RemovedEntry> entries;  // in seq order
  std::map<std::string, std::int64_t> by_kind;
};

Expired find_expired(Poco::Data::Session& session, const AuditStore& store, const RetentionCutoffs& cutoffs) {
  Expired out;
  const std::string calls = kExpiredCalls;
  const auto count = [&](const std::string& select, std::int64_t& into) {
    Poco::Data::Statement stmt(session);
    stmt << store.sql(select);
    bind_cutoffs(stmt, Binds::test_then_emergency, cutoffs);
    stmt.execute();
    Poco::Data::RecordSet rs(stmt);
    if (rs.moveFirst()) into = i64(rs, 0);
  };
  count("SELECT COUNT(*) FROM (" + calls + ") expired", out.calls);
  if (out.calls > 0) count("SELECT COUNT(*) FROM audit_alerts WHERE call_id IN (" + calls + ")", out.alert_rows);
  // The calls' entries, the expired call-less lookups (each read on
  // audit_entries_by_call), the expired registrations; then in seq order.
  const auto read = [&](const std::string& where, Binds binds, std::int64_t& n) {
    Poco::Data::Statement stmt(session);
    stmt << store.sql("SELECT seq, kind, prev_hash, hash FROM audit_entries WHERE " + where);
    bind_cutoffs(stmt, binds, cutoffs);
    stmt.execute();
    Poco::Data::RecordSet rs(stmt);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
      out.entries.push_back({i64(rs, 0), str(rs, 2), str(rs, 3)});
      ++out.by_kind[str(rs, 1)];
      ++n;
    }
  };
  if (out.calls > 0) read("call_id IN (" + calls + ")", Binds::test_then_emergency, out.call_entries);
  read(kExpiredLookups, Binds::emergency, out.lookups);
  read(std::string("seq IN (") + kExpiredRegistrations + ")", Binds::emergency_twice, out.registrations);
  std::sort(out.entries.begin(), out.entries.end(),
            [](const RemovedEntry& a, const RemovedEntry& b) { return a.seq < b.seq; });
  return out;
}

std::optional<AuditEntry> last_entry(Poco::Data::Session& session) {
  Poco::Data::Statement stmt(session);
  stmt << std::string("SELECT ") + kAuditEntryColumns + " FROM audit_entries ORDER BY seq DESC LIMIT 1", now;
  auto rows = entries_of_rows(stmt);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

// Runs a DELETE of expired rows (`binds`: which cutoffs its placeholders
// take) and checks it removed `expected` rows (what was counted under the
// same lock; a negative `expected`: any number).
void delete_expired(Poco::Data::Session& session, const AuditStore& store, const RetentionCutoffs& cutoffs,
                    const std::string& statement, std::int64_t expected, const char* what,
                    Binds binds = Binds::test_then_emergency) {
  Poco::Data::Statement stmt(session);
  stmt << store.sql(statement);
  bind_cutoffs(stmt, binds, cutoffs);
  const auto removed = static_cast<std::int64_t>(stmt.execute());
  if (expected >= 0 && removed != expected) {
    throw std::runtime_error("purge: removed " + std::to_string(removed) + " " + what + ", expected " +
                             std::to_string(expected) + " (rolled back)");
  }
}

void insert_entry(Poco::Data::Session& session, const AuditStore& store, const AuditEntry& e) {
  Poco::Data::Statement stmt(session);
  Poco::Int64 seq = e.seq, at = e.at;
  stmt << store.sql(std::string("INSERT INTO audit_entries (") + kAuditEntryColumns +
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      bind(seq), bind(e.kind), bind(e.call_id), bind(at), bind(e.payload), bind(e.prev_hash), bind(e.hash),
      bind(e.key_id), bind(e.signature), now;
}

}  // namespace

RetentionCutoffs retention_cutoffs(EpochMillis now_ms, const RetentionDays& days) {
  return {now_ms - days.emergency * kMillisPerDay, now_ms - days.test * kMillisPerDay};
}

PurgeOutcome purge_expired_calls(AuditStore& store, const PurgeRequest& request, const Signer& signer) {
  PurgeOutcome outcome;
  const auto fill = [&](Expired& expired) {
    outcome.calls = expired.calls;
    outcome.lookups = expired.lookups;
    outcome.registrations = expired.registrations;
    outcome.alert_rows = expired.alert_rows;
    outcome.entries = static_cast<std::int64_t>(expired.entries.size());
    outcome.entries_by_kind = std::move(expired.by_kind);
    outcome.gaps = gaps_of_removed(expired.entries);
  };
  if (request.dry_run) {
    store.with_connection("purge (dry run)", [&](Poco::Data::Session& session) {
      auto expired = find_expired(session, store, request.cutoffs);
      fill(expired);
    });
    return outcome;
  }
  store.in_write_transaction("purge", [&](Poco::Data::Session& session) {
    outcome = PurgeOutcome{};
    auto expired = find_expired(session, store, request.cutoffs);
    if (expired.calls == 0 && expired.lookups == 0 && expired.registrations == 0) return;
    const auto last = last_entry(session);
    const auto call_entries = expired.call_entries, lookups = expired.lookups,
               registrations = expired.registrations;
    fill(expired);

    const std::string calls = kExpiredCalls;
    const std::string expired_lookups = kExpiredLookups;
    const std::string expired_registrations = kExpiredRegistrations;
    // The lookup ids of the entries that go (elin_lookup_keys.h).
    delete_expired(session, store, request.cutoffs, "DELETE FROM audit_elin_lookups WHERE call_id IN (" + calls + ")",
                   -1, "lookup ids");
    delete_expired(session, store, request.cutoffs,
                   "DELETE FROM audit_elin_lookups WHERE seq IN (SELECT seq FROM audit_entries WHERE " +
                       expired_lookups + ")",
                   lookups, "lookup ids", Binds::emergency);
    if (call_entries + lookups + registrations > 0) {
      session << (store.is_postgresql() ? kPostgresqlDisableGuard : kSqliteDropDeleteGuard), now;
      delete_expired(session, store, request.cutoffs, "DELETE FROM audit_entries WHERE call_id IN (" + calls + ")",
                     call_entries, "journal entries");
      delete_expired(session, store, request.cutoffs, "DELETE FROM audit_entries WHERE " + expired_lookups, lookups,
                     "ELIN lookup entries", Binds::emergency);
      // The entries first: which registrations expire is read from the
      // rows, which go after them.
      delete_expired(session, store, request.cutoffs,
                     "DELETE FROM audit_entries WHERE seq IN (" + expired_registrations + ")", registrations,
                     "registration entries", Binds::emergency_twice);
      session << (store.is_postgresql() ? kPostgresqlEnableGuard : kSqliteCreateDeleteGuard), now;
    }
    // Read whole before any row goes (a subquery on the table a DELETE
    // changes).
    delete_expired(session, store, request.cutoffs,
                   "DELETE FROM audit_registrations WHERE seq IN (SELECT seq FROM (" + expired_registrations +
                       ") AS expired)",
                   registrations, "registration rows", Binds::emergency_twice);
    delete_expired(session, store, request.cutoffs, "DELETE FROM audit_alerts WHERE call_id IN (" + calls + ")",
                   outcome.alert_rows, "alert rows");
    delete_expired(session, store, request.cutoffs,
                   "DELETE FROM audit_calls WHERE call_id IN (" + calls + ")",
                   outcome.calls, "call rows");

    PurgeSummary summary;
    summary.reason = request.reason;
    summary.calls = outcome.calls;
    summary.removed = outcome.entries;
    summary.entries_by_kind = outcome.entries_by_kind;
    summary.cutoffs = {{"emergency", request.cutoffs.emergency}, {"test", request.cutoffs.test}};
    // Sealed after the journal's last entry as it was before the DELETE
    // (which may have removed it: the purge entry's own hole).
    const AuditEntry* previous = last ? &*last : nullptr;
    for (auto& payload : purge_payloads(summary, outcome.gaps, request.max_gaps_per_entry)) {
      outcome.purge_entries.push_back(
          chain_next(previous, std::string(entry_kind::kPurge), "", request.at, std::move(payload), signer));
      previous = &outcome.purge_entries.back();
    }
    for (const auto& e : outcome.purge_entries) insert_entry(session, store, e);
  });
  return outcome;
}

}  // namespace e911::auditor
