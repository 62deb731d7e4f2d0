#pragma once
// The registrations users made and withdrew (location.registered,
// location.withdrawn entries; registration_record.h), one row each in
// audit_registrations, so "when did each user last confirm their
// location" is one indexed query (registration_query.h). Run by
// AuditStore::ingest inside its write transaction, and emptied of purged
// entries by the retention purge (retention.h).
//
//   seq           the entry's
//   kind          location.registered / location.withdrawn
//   user_id
//   event_id      the update's event_id; a withdrawal's withdrawal_id
//   occurred_at   registered_at / withdrawn_at, epoch milliseconds
//   supplied_by   the update's source (user, admin, hr-import...), or NULL
//   validated     1 / 0; NULL for a withdrawal
//   country, address (one line), dispatchable (1 / 0): NULL for a withdrawal
//
// Idempotent: a draft whose (kind, event_id) the table has already, or
// that an earlier draft of the batch has, is left out. Every value is a
// bound parameter.

#include <string>
#include <vector>

#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/store/sql_lists.h"

namespace Poco::Data {
class Session;
}

namespace e911::auditor {

// `drafts` without the registrations and withdrawals journaled already.
// Throws std::runtime_error for such a draft whose payload this code did
// not write (no event_id / withdrawal_id).
std::vector<EntryDraft> without_journaled_registrations(Poco::Data::Session& session, const SqlText& sql,
                                                        std::vector<EntryDraft> drafts);

// Inserts the rows of the location.registered and location.withdrawn
// entries among `appended`.
void record_registrations(Poco::Data::Session& session, const SqlText& sql, const std::vector<AuditEntry>& appended);

}  // namespace e911::auditor
