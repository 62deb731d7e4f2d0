#pragma once
// The idempotency of emergency calls in the journal: one audit record per
// call (DESIGN.md, "Delivery semantics"), whatever the Kafka offsets say.
// A record read again from the same offset is already absorbed by the
// journal's offsets (AuditStore::ingest); this covers the same call
// produced twice at another offset: a locator that crashed after
// producing an emergency call and before committing its call event
// resolves it again when its partition is read again. The first record is
// the one journaled: the notifier alerted from it (its alerts are keyed
// by call and recipient, so the second record alerted nobody).
//
// Keyed by the call.recorded entries themselves (audit_entries, by
// call_id): an emergency-call record's call.recorded and location.conveyed
// drafts are dropped when the call has a call.recorded entry, or when an
// earlier record of the same batch had one. Run by AuditStore::ingest
// inside its write transaction. Every value is a bound parameter.

#include <vector>

#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/store/sql_lists.h"

namespace Poco::Data {
class Session;
}

namespace e911::auditor {

std::vector<EntryDraft> without_journaled_calls(Poco::Data::Session& session, const SqlText& sql,
                                                std::vector<EntryDraft> drafts);

}  // namespace e911::auditor
