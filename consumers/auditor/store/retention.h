#pragma once
// Retention: calls whose retention period has elapsed (by their class,
// auditor.retention.emergency_days / test_days, counted from the call's
// occurred_at in audit_calls) leave the store: every journal entry with
// their call id, and their audit_calls / audit_alerts rows. The journal
// keeps a journal.purge entry (purge_entry.h) listing the seq runs
// removed and the hashes on both sides of each, so verify_chain still
// passes across the hole while a deletion outside a purge still fails.
//
// One AuditStore::in_write_transaction: it holds the journal's write lock,
// so the consumer's ingest() waits and then continues the chain after the
// purge entry. Inside it the append-only trigger is lifted for the DELETE
// and restored (SQLite: DROP TRIGGER / CREATE TRIGGER, as migration 1
// made it; PostgreSQL: ALTER TABLE ... DISABLE / ENABLE TRIGGER, which
// needs the table's owner): both are transactional, so a failure
// anywhere leaves the trigger, the entries and the rows as they were.
//
// Calls the journal has seen no call.recorded for (class unknown) keep the
// longer, emergency retention. Calls without an occurred_at are kept.
// ELIN lookups that reached a call go with that call; those that reached
// none (elin.lookup entries without a call id) keep the emergency
// retention, counted from when they were journaled (the entry's `at`).
// Registrations (location.registered / location.withdrawn entries and
// their audit_registrations rows) keep the emergency retention, counted
// from when each was registered or withdrawn, except each user's latest
// registration while it is in force (the latest row, not a withdrawal):
// it is what responders would be sent to, however old. A withdrawal past
// the retention takes the user's whole history with it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/auditor_config.h"
#include "consumers/auditor/journal/entry_signer.h"
#include "consumers/auditor/journal/purge_entry.h"

namespace e911::auditor {

inline constexpr EpochMillis kMillisPerDay = 86'400'000;

// Calls that occurred before these are past their retention. Pure.
struct RetentionCutoffs {
  EpochMillis emergency = 0;  // also calls whose class is not known yet
  EpochMillis test = 0;
};
RetentionCutoffs retention_cutoffs(EpochMillis now, const RetentionDays& days);

struct PurgeRequest {
  RetentionCutoffs cutoffs;
  EpochMillis at = 0;             // the purge entry's time
  std::string reason = "retention";
  bool dry_run = false;           // count what would go; change nothing
  std::size_t max_gaps_per_entry = kMaxGapsPerPurgeEntry;
};

struct PurgeOutcome {
  std::int64_t calls = 0;                               // calls removed (or that would be)
  std::int64_t lookups = 0;                             // ELIN lookups that reached no call, removed
  std::int64_t registrations = 0;                       // registrations and withdrawals removed
  std::int64_t entries = 0;                             // journal entries removed
  std::map<std::string, std::int64_t> entries_by_kind;
  std::int64_t alert_rows = 0;                          // audit_alerts rows removed
  std::vector<PurgeGap> gaps;                           // seq runs removed
  std::vector<AuditEntry> purge_entries;                // the journal.purge entries written (none: dry run, or nothing to do)
};

// Removes what `request.cutoffs` make expire and writes the purge
// entries, signed by `signer`, in ONE write transaction. Nothing expired:
// nothing written. Dry run: reads only (no write lock). Throws
// std::runtime_error naming the store on database errors (everything
// rolled back).
PurgeOutcome purge_expired_calls(AuditStore& store, const PurgeRequest& request, const Signer& signer);

}  // namespace e911::auditor
