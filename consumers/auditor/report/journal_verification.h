#pragma once
// The journal's verification for a report: verify_chain over the whole
// store (streamed, constant memory), and the ids of the keys that signed
// the entries it read, so a report can name them beside the head hash.
// Throws what the store throws.

#include <string>
#include <vector>

#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/journal/entry_signer.h"
#include "consumers/auditor/store/audit_store.h"

namespace e911::auditor {

struct JournalVerification {
  VerifyResult result;
  std::vector<std::string> key_ids;  // of the entries read, sorted, once each
};

JournalVerification verify_journal(AuditStore& store, const Keyring& keyring);

}  // namespace e911::auditor
