#pragma once
// The hash chain of the audit journal.
//
// Entry N's hash is the SHA-256 (lower-case hex) of its signing input: the
// canonical JSON (canonical_json.h) of
//
//   {"at":"<RFC 3339, ms, UTC>","call_id":"...","key_id":"...","kind":"...",
//    "payload":<the payload, embedded as a JSON value>,
//    "prev_hash":"<entry N-1's hash, or kGenesisHash>","seq":N}
//
// (members in canonical order, as above). The payload must already be
// canonical JSON: it is embedded byte for byte, so the signing input is
// canonical exactly when the payload is, and verify_chain refuses entries
// whose payload is not (which would otherwise let two different entries
// share one signing input). The signature (entry_signer.h) is a JWS over
// {hash, seq}: it is not part of the hash, so re-signing is visible only
// through the key and the JWS, never hides a content change.

#include <string>
#include <string_view>

#include "common/sha256.h"
#include "common/timestamp.h"
#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/journal/entry_signer.h"

namespace e911::auditor {

std::string entry_signing_input(const AuditEntry& entry);
std::string entry_hash(const AuditEntry& entry);  
// The entry after `previous` (nullptr: the first entry, seq 1 after
// kGenesisHash), hashed and signed with `signer`. `payload` is
// canonicalized here if it is not canonical already; throws
// std::invalid_argument if it is not valid JSON (see canonical_json.h: our
// payloads are written by our own code), std::runtime_error if signing
// fails.
AuditEntry chain_next(const AuditEntry* previous, std::string kind, std::string call_id, EpochMillis at,
                      std::string payload_canonical, const Signer& signer);

// "9f3e1a2b3c4d..." for messages: the first 12 characters of a hash
// (quoted and escaped if they are not hex digits).
std::string abbreviated_hash(std::string_view hash);

}  // namespace e911::auditor
