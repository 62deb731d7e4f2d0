#pragma once
// One entry of the audit journal: an append-only, hash-chained, signed
// record of what happened to an emergency call (recorded, location
// conveyed, each notification attempt and outcome, escalation,
// acknowledgement, each lookup of the ELIN conveyed), of the locations
// users registered (and withdrew), and of the journal itself (purge,
// correction).
//
// Tamper evidence: entry N carries the hash of entry N-1 and its own
// SHA-256 over a canonical encoding of everything else, and a JWS over
// that hash (HS256 with a shared secret, or ES256/RS256 so auditors verify
// with the public key alone). Changing, removing or reordering any entry
// breaks the chain at that entry.
//
// Pure: no I/O. Stores (SQLite, PostgreSQL) keep entries as given.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/timestamp.h"

namespace e911::auditor {

namespace entry_kind {
inline constexpr std::string_view kCallRecorded = "call.recorded";          // the call's facts
inline constexpr std::string_view kLocationConveyed = "location.conveyed";  // what location was sent, from where
inline constexpr std::string_view kNotification = "notification";           // one e911.notifications record
inline constexpr std::string_view kElinLookup = "elin.lookup";              // one e911.elin-lookups record: whom an ELIN reached
inline constexpr std::string_view kLocationRegistered = "location.registered";  // one e911.location-updates record: a user's registration
inline constexpr std::string_view kLocationWithdrawn = "location.withdrawn";    // a tombstone on e911.location-updates: withdrawn
inline constexpr std::string_view kPurge = "journal.purge";                 // a retention purge: what was removed
inline constexpr std::string_view kCorrection = "journal.correction";       // a correction of an earlier entry
inline constexpr std::string_view kKeyRotation = "journal.key-rotation";    // signing key changed
}  // namespace entry_kind

// The hash that stands before the first entry.
inline constexpr std::string_view kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

struct AuditEntry {
  std::int64_t seq = 0;     // 1, 2, 3... without gaps
  std::string kind;         // entry_kind::k*
  std::string call_id;      // empty for journal entries, registrations and ELIN lookups that reached no call
  EpochMillis at = 0;       // when the entry was written
  std::string payload;      // canonical JSON object (canonical_json())
  std::string prev_hash;    // hash of entry seq-1, or kGenesisHash
  std::string hash;         // lower-case hex SHA-256 of entry_signing_input()
  std::string key_id;       // which key signed it
  std::string signature;    // JWS compact serialization whose payload is `hash`
};

}  // namespace e911::auditor
