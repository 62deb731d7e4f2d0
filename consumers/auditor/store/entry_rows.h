#pragma once
// Reading audit_entries rows through a Poco::Data session, for the code
// that queries the journal inside AuditStore::with_connection /
// in_write_transaction (purge, export): the column list, and the rows of
// a statement that selected it, as entries.

#include <Poco/Data/Statement.h>

#include <vector>

#include "consumers/auditor/journal/audit_entry.h"

namespace e911::auditor {

// SELECT these, in this order, for entries_of_rows().
inline constexpr const char* kAuditEntryColumns = "seq, kind, call_id, at, payload, prev_hash, hash, key_id, signature";

// The rows of an executed statement that selected kAuditEntryColumns.
std::vector<AuditEntry> entries_of_rows(Poco::Data::Statement& executed);

}  // namespace e911::auditor
