#pragma once
// The idempotency of ELIN lookups in the journal: a lookup's lookup_id is
// journaled once (schemas/elin-lookup.v1.schema.json), whatever the Kafka
// offsets say. A record read again from the same offset is already
// absorbed by the journal's offsets (AuditStore::ingest); this covers the
// same lookup produced twice (a producer retrying after a lost
// acknowledgement), at another offset.
//
// audit_elin_lookups keeps (lookup_id, seq, call_id) of every elin.lookup
// entry; run by AuditStore::ingest inside its write transaction, and
// emptied of purged entries by the retention purge. Every value is a bound
// parameter.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/journal/audit_entry.h"

namespace Poco::Data {
class Session;
}

namespace e911::auditor {

// `drafts` without the elin.lookup drafts whose lookup_id is journaled
// already or came earlier in `drafts`. Throws std::runtime_error for an
// elin.lookup payload without a lookup_id (one this code did not write).
std::vector<EntryDraft> without_journaled_lookups(Poco::Data::Session& session,
                                                  const std::function<std::string(std::string_view)>& sql,
                                                  std::vector<EntryDraft> drafts);

// Records the lookup ids of the elin.lookup entries among `appended`.
void record_lookup_ids(Poco::Data::Session& session, const std::function<std::string(std::string_view)>& sql,
                       const std::vector<AuditEntry>& appended);

}  // namespace e911::auditor
