#pragma once
// `e911 audit verify`'s core: reads the journal in seq order, one entry at a
// time (a million entries stream in constant memory), recomputes
// everything and names the first entry that does not match.
//
// Per entry, in this order (the first failure ends the walk):
//   1. seq is greater than the previous seq (the first: at least the
//      anchor's first_seq, 1 by default);
//   2. prev_hash is the previous entry's hash (kGenesisHash first), unless
//      seqs are missing before it (below);
//   3. the payload is canonical JSON;
//   4. hash is the SHA-256 of the entry's signing input (hash_chain.h);
//   5. the signature verifies with the keyring key the entry names, and
//      covers this hash and seq (Keyring::verify).
//
// Purges: seqs missing between two entries (or before the first) are not
// a failure at once but a pending hole: from, to, the hash before it (the
// previous entry's, or the anchor's) and the hash after it (the next
// entry's prev_hash). A later journal.purge entry (purge_entry.h) lists
// the runs it removed with the same hashes; a hole is accounted for when
// the runs listed by one or more purge entries cover it exactly and link
// hash to hash from the hash before it to the hash after it. A listed run
// that is not inside a hole (entries still there) fails at the purge
// entry; a hole left at the end fails, naming it:
//   "seq 44..50 missing: no purge entry covers them"
//   "seq 3 missing: no purge entry covers it"
//
// Reasons name the seq and what failed:
//   "seq 44 expected, found 43 after 43 (out of order or repeated)"
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

#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/journal/entry_signer.h"

namespace e911::auditor {

// Fills `out` with the next entry and returns true, or returns false at the
// end. May reuse `out`'s storage; may throw on read errors (which
// verify_chain lets through).
using EntrySource = std::function<bool(AuditEntry& out)>;

// An EntrySource over a vector (tests, small journals). The vector must
// outlive the source.
EntrySource entries_of(const std::vector<AuditEntry>& entries);

// Where the chain starts: seq 1 after kGenesisHash, or the first seq and
// the hash before it of a slice of the journal (an export bundle: its
// manifest's first seq and first prev_hash; or a copy kept elsewhere).
// Entries from first_seq on are verified: a journal whose oldest entries
// were purged needs no anchor (its hole from seq 1 is covered by the purge
// entry); purge gaps listed before first_seq are not looked at.
struct ChainAnchor {
  std::int64_t first_seq = 1;
  std::string prev_hash = std::string(kGenesisHash);
};

struct VerifyResult {
  bool ok = false;
  std::int64_t entries = 0;        // entries that verified (before the first bad one; all of them when
                                   // the failure is a hole found unaccounted for at the end)
  std::int64_t first_bad_seq = 0;  // 0 if ok
  std::string reason;              // empty if ok
  std::int64_t last_seq = 0;       // last entry that verified (0: none)
  std::string last_hash;           // its hash: the head to anchor elsewhere
  std::int64_t purged = 0;         // missing seqs that journal.purge entries account for
};

VerifyResult verify_chain(const EntrySource& next, const Keyring& keyring, const ChainAnchor& anchor = {});

// The same, for a slice of the journal (an export bundle) whose holes are
// accounted for by purge entries that come after the slice:
// `later_purges` are checked on their own (canonical payload, hash,
// signature; not their place in the chain) and their gaps count as if they
// had been read after the slice.
VerifyResult verify_chain(const EntrySource& next, const Keyring& keyring, const ChainAnchor& anchor,
                          const std::vector<AuditEntry>& later_purges);

}  // namespace e911::auditor
