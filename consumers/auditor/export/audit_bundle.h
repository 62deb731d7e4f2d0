#pragma once
// Export bundles: a slice of the journal that verifies offline, without
// the database (`e911 audit export`, `e911 audit verify --bundle DIR`).
//
//   DIR/entries.jsonl   one entry per line, every field as stored:
//                       {"at":<epoch ms>,"call_id":"...","hash":"...","key_id":"...","kind":"...",
//                        "payload":"<the canonical payload, as a string>","prev_hash":"...",
//                        "seq":N,"signature":"<JWS>"}
//   DIR/purges.jsonl    the journal.purge entries after the slice that account
//                       for holes inside it (same format; often empty)
//   DIR/manifest.json   what the slice is (BundleManifest, below)
//
// A time range exports a contiguous seq range: from the first entry whose
// `at` is in [from, to) to the last one, everything between included (the
// journal's `at` is when the auditor journaled, nearly but not strictly in
// seq order). Verification starts from the manifest's first seq and
// first_prev_hash (ChainAnchor), so the slice verifies on its own; its
// holes (purged calls) are accounted for by purges.jsonl. The manifest's
// SHA-256s bind the files to it; the entries' signatures bind them to the
// keys. The manifest's public keys are a convenience: verify with keys you
// trust (--keyring), not with the ones a bundle brings.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/timestamp.h"
#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/journal/entry_signer.h"

namespace e911::auditor {

inline constexpr std::string_view kBundleFormat = "e911.audit-bundle/v1";

struct PublicKeyPem {
  SigningAlgorithm algorithm = SigningAlgorithm::es256;
  std::string pem;
};
// Verification keys the export may name in the manifest, by key id
// (ES256/RS256 only: HS256 secrets never leave the keyring).
using PublicKeys = std::map<std::string, PublicKeyPem, std::less<>>;

// The ES256/RS256 public keys a keyring file (auditor_config.h's format:
// "KEY_ID ALGORITHM PATH" lines, paths relative to the file) names; HS256
// lines are skipped. Errors name the file and line.
Result<PublicKeys> public_keys_in_keyring_file(const std::string& path);

struct ExportRange {
  std::optional<EpochMillis> from;  // entries' at >= from
  std::optional<EpochMillis> to;    // entries' at < to
};

struct BundleManifest {
  std::string format = std::string(kBundleFormat);
  std::string store;  // the store's name, never with a password
  EpochMillis created_at = 0;
  ExportRange range;
  std::int64_t first_seq = 0;  // 0: no entries
  std::int64_t last_seq = 0;
  std::int64_t count = 0;              // lines in entries.jsonl
  std::string first_prev_hash;         // the first entry's prev_hash: where verification starts
  std::string last_hash;               // the last entry's hash: the head to compare
  std::string entries_sha256;          // of entries.jsonl
  std::int64_t purge_count = 0;        // lines in purges.jsonl
  std::string purges_sha256;           // of purges.jsonl
  std::vector<std::string> key_ids;    // every key id the entries and purges name
  PublicKeys public_keys;              // those of key_ids that are ES256/RS256 and known
};

// One entry as a line of entries.jsonl (no line break), and back. Errors
// name the field.
std::string entry_json_line(const AuditEntry& entry);
Result<AuditEntry> entry_from_json_line(std::string_view line);

std::string manifest_json(const BundleManifest& manifest);  // canonical JSON
Result<BundleManifest> manifest_from_json(std::string_view json);

// Writes a bundle of `range` into `dir` (created if missing; files already
// there are replaced). Streams the store in pages. Throws
// std::runtime_error naming the file or the store.
BundleManifest write_bundle(AuditStore& store, const std::string& dir, const ExportRange& range,
                            const PublicKeys& keys, EpochMillis created_at);

struct BundleVerification {
  VerifyResult chain;    // the slice's chain (ok false on any problem below too)
  BundleManifest manifest;
};

// Checks `dir` offline: the manifest parses, entries.jsonl and purges.jsonl
// have the manifest's SHA-256 and counts, the entries run from the
// manifest's first seq (after its first_prev_hash) to its last seq and
// hash, and verify_chain passes with `keyring`, holes accounted for by
// purges.jsonl. Unreadable or malformed files are failures naming the file
// and line, not exceptions.
BundleVerification verify_bundle(const std::string& dir, const Keyring& keyring);

}  // namespace e911::auditor
