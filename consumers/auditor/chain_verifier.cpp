#include "consumers/auditor/chain_verifier.h"

#include "consumers/auditor/canonical_json.h"
#include "consumers/auditor/hash_chain.h"

namespace e911::auditor {

EntrySource entries_of(const std::vector<AuditEntry>& entries) {
  return [&entries, i = std::size_t{0}](AuditEntry& out) mutable {
    if (i == entries.size()) return false;
    out = entries[i++];
    return true;
  };
}

VerifyResult verify_chain(const EntrySource& next, const Keyring& keyring, const ChainAnchor& anchor) {
  VerifyResult result;
  std::int64_t expected_seq = anchor.first_seq;
  std::string previous_hash = anchor.prev_hash;
  AuditEntry entry;

  const auto fail = [&](std::int64_t seq, std::string reason) {
    result.ok = false;
    result.first_bad_seq = seq;
    result.reason = std::move(reason);
    return result;
  };

  while (next(entry)) {
    const std::string at = "seq " + std::to_string(entry.seq) + ": ";
    if (entry.seq != expected_seq) {
      const std::string found =
          result.last_seq == 0 ? " at the start" : " after " + std::to_string(result.last_seq);
      if (entry.seq > expected_seq) {
        return fail(expected_seq, "seq " + std::to_string(expected_seq) + " missing (found " +
                                      std::to_string(entry.seq) + found + ")");
      }
      return fail(expected_seq, "seq " + std::to_string(expected_seq) + " expected, found " +
                                    std::to_string(entry.seq) + found + " (out of order or repeated)");
    }
    if (entry.prev_hash != previous_hash) {
      if (result.last_seq == 0) {
        return fail(entry.seq, at + "prev_hash does not match the chain's start (" +
                                   abbreviated_hash(previous_hash) + ")");
      }
      return fail(entry.seq, at + "prev_hash does not match seq " + std::to_string(result.last_seq) + "'s hash");
    }
    const auto payload = canonical_json(entry.payload);
    if (!payload) return fail(entry.seq, at + "payload is not valid canonical JSON: " + payload.error().message);
    if (*payload != entry.payload) return fail(entry.seq, at + "payload is not in canonical form");
    const std::string computed = entry_hash(entry);
    if (computed != entry.hash) {
      return fail(entry.seq, at + "hash does not match its content (stored " + abbreviated_hash(entry.hash) +
                                 ", computed " + abbreviated_hash(computed) + ")");
    }
    const auto signature = keyring.verify(entry);
    if (!signature) return fail(entry.seq, at + signature.error().message);

    ++result.entries;
    result.last_seq = entry.seq;
    result.last_hash = entry.hash;
    previous_hash = entry.hash;
    ++expected_seq;
  }
  result.ok = true;
  return result;
}

}  // namespace e911::auditor
