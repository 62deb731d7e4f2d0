#pragma once
// Keeps the derived per-call rows (audit_calls, audit_alerts) in step with
// newly appended journal entries: the SQL half of call_facts.h, run by
// AuditStore::ingest inside its write transaction.
//
// Few round trips per batch (PostgreSQL pays one per statement): multi-row
// upserts of up to kRowsPerStatement rows, every value a bound parameter.
// A key that occurs twice in a batch (a call's two entries, an alert's
// sent and acknowledged records) goes into successive statements, in
// journal order, since one upsert statement may not touch a row twice.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/store/sql_lists.h"

namespace Poco::Data {
class Session;
}

namespace e911::auditor {

// `sql` turns ? placeholders into the database's own (AuditStore::sql).
// Throws what the database throws, and std::runtime_error for an entry
// whose payload this code did not write.
void update_call_rows(Poco::Data::Session& session, const std::function<std::string(std::string_view)>& sql,
                      const std::vector<AuditEntry>& appended);

}  // namespace e911::auditor
