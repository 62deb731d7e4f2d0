#pragma once
// `e911 audit verify`'s core: reads the journal in seq order, one entry at a
// time (a million entries stream in constant memory), recomputes
// everything and names the first entry that does not match.
//
// Per entry, in this order (the first failure ends the walk):
//   1. seq is the previous seq + 1 (1 for the first entry, or the anchor's);
//   2. prev_hash is the previous entry's hash (kGenesisHash first);
//   3. the payload is canonical JSON;
//   4. hash is the SHA-256 of the entry's signing input (hash_chain.h);
//   5. the signature verifies with the keyring key the entry names, and
//      covers this hash and seq (Keyring::verify).
//
// Reasons name the seq and what failed:
//   "seq 44 missing (found 45 after 43)"
//   "seq 43: prev_hash does not match seq 42's hash"
//   "seq 42: hash does not match its content (stored 9f3e1a2b3c4d..., computed 3a0b7c...)"
//   "seq 7: signature invalid for key k-2025"
//   "seq 7: unknown key id k-x"
//
// What a chain cannot show by itself: entries cut off its end. Compare
// VerifyResult::last_seq / last_hash with a copy kept elsewhere (an
// anchor: a log line, a ticket, a second store) to catch truncation.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "consumers/auditor/audit_entry.h"
#include "consumers/auditor/entry_signer.h"

namespace e911::auditor {

// Fills `out` with the next entry and returns true, or returns false at the
// end. May reuse `out`'s storage; may throw on read errors (which
// verify_chain lets through).
using EntrySource = std::function<bool(AuditEntry& out)>;

// An EntrySource over a vector (tests, small journals). The vector must
// outlive the source.
EntrySource entries_of(const std::vector<AuditEntry>& entries);

// Where the chain starts: seq 1 after kGenesisHash, or, for a journal whose
// older entries were purged, the first kept seq and the hash of the last
// purged entry (as the purge entry records it).
// TODO(purge): the purge entry's payload format is not settled; once it is,
// `e911 audit verify` reads the anchor from it (or from a retained copy)
// rather than taking it on trust from the caller.
struct ChainAnchor {
  std::int64_t first_seq = 1;
  std::string prev_hash = std::string(kGenesisHash);
};

struct VerifyResult {
  bool ok = false;
  std::int64_t entries = 0;        // entries that verified (before the first bad one)
  std::int64_t first_bad_seq = 0;  // 0 if ok
  std::string reason;              // empty if ok
  std::int64_t last_seq = 0;       // last entry that verified (0: none)
  std::string last_hash;           // its hash: the head to anchor elsewhere
};

VerifyResult verify_chain(const EntrySource& next, const Keyring& keyring, const ChainAnchor& anchor = {});

}  // namespace e911::auditor
