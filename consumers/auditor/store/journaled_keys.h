#pragma once
// Records journaled once by a key of their own, whatever their Kafka
// offset (a producer retrying after a lost acknowledgement writes the
// same record again at another offset): ELIN lookups by lookup_id
// (elin_lookup_keys.h), registrations by event_id (registration_rows.h).
// Run by AuditStore::ingest inside its write transaction.

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/store/sql_lists.h"

namespace Poco::Data {
class Session;
}

namespace e911::auditor {

// Which of `keys` the query finds: `select_head` + "?, ?, ...)" whose first
// column is a key (kRowsPerStatement keys per statement). `select_head` is
// fixed text ("SELECT lookup_id FROM audit_elin_lookups WHERE lookup_id
// IN ("); the keys are bound.
std::set<std::string> keys_found(Poco::Data::Session& session, const SqlText& sql, const std::string& select_head,
                                 const std::vector<std::string>& keys);

// `drafts` without those whose key (`key_of`: empty for drafts it does not
// cover) is in `journaled` (called once, with every key of the batch) or
// belongs to an earlier draft of `drafts`.
std::vector<EntryDraft> without_journaled_keys(
    std::vector<EntryDraft> drafts, const std::function<std::string(const EntryDraft&)>& key_of,
    const std::function<std::set<std::string>(const std::vector<std::string>&)>& journaled);

}  // namespace e911::auditor
