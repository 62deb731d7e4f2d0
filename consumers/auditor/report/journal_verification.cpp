#include "consumers/auditor/report/journal_verification.h"

#include <set>

namespace e911::auditor {

JournalVerification verify_journal(AuditStore& store, const Keyring& keyring) {
  std::set<std::string> key_ids;
  auto entries = entries_from(store);
  // The entries pass through on their way to the verifier: one read.
  const EntrySource noting_keys = [&](AuditEntry& out) {
    if (!entries(out)) return false;
    key_ids.insert(out.key_id);
    return true;
  };
  JournalVerification v;
  v.result = verify_chain(noting_keys, keyring);
  v.key_ids.assign(key_ids.begin(), key_ids.end());
  v.verified_at = now_millis();
  return v;
}

}  // namespace e911::auditor
