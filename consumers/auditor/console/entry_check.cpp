#include "consumers/auditor/console/entry_check.h"

#include "consumers/auditor/journal/canonical_json.h"
#include "consumers/auditor/journal/hash_chain.h"

namespace e911::auditor::console {

EntryCheck check_entry(const AuditEntry& entry, const Keyring& keyring) {
  // A payload that is not canonical could hash two ways (verify_chain's rule 3).
  const auto canonical = canonical_json(entry.payload);
  if (!canonical || *canonical != entry.payload) return {false, "payload is not in canonical form"};
  if (entry_hash(entry) != entry.hash) return {false, "hash does not match its content"};
  const auto signature = keyring.verify(entry);
  if (!signature) return {false, signature.error().message};
  return {true, {}};
}

}  // namespace e911::auditor::console
