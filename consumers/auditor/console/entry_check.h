#pragma once
// Whether one journal entry checks on its own, for the call page: its hash
// is the SHA-256 of its content (hash_chain.h) and its signature verifies
// with the keyring. The links between entries are the whole chain's job
// (verify_chain; the integrity page). Pure.

#include "consumers/auditor/console/console_pages.h"
#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/journal/entry_signer.h"

namespace e911::auditor::console {

EntryCheck check_entry(const AuditEntry& entry, const Keyring& keyring);

}  // namespace e911::auditor::console
