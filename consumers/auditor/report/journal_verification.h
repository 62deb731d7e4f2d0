#pragma once
// The journal's verification for a report, the audit API's /v1/verify and
// the console: verify_chain over the whole store (streamed, constant
// memory), the ids of the keys that signed the entries it read, so a
// report can name them beside the head hash, and when it was made.
// Throws what the store throws.

#include <string>
#include <vector>

#include "common/timestamp.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/journal/entry_signer.h"
#include "consumers/auditor/store/audit_store.h"

namespace e911::auditor {

struct JournalVerification {
  VerifyResult result;
  std::vector<std::string> key_ids;  // of the entries read, sorted, once each
  EpochMillis verified_at = 0;       // when it ended
};

JournalVerification verify_journal(AuditStore& store, const Keyring& keyring);

}  // namespace e911::auditor
