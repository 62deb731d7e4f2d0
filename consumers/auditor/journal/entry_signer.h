#pragma once
// Signatures over audit entries: a JWS (RFC 7515) compact serialization,
// made and checked with Poco::JWT.
//
//   header  {"alg":"ES256","kid":"<key id>","typ":"JWT"}
//   claims  {"hash":"<entry hash, lower-case hex>","seq":<entry seq>}
//
// HS256 signs with a shared secret (whoever verifies can also sign).
// ES256 (ECDSA P-256) and RS256 (RSA PKCS#1 v1.5, >= 2048 bits) sign with
// a private key; auditors verify with the public key alone.
//
// Keys rotate: each entry names the key id that signed it, and a Keyring
// holds any number of verification keys, so entries signed by a retired key
// keep verifying as long as its key stays in the keyring. Each keyring key
// is bound to one algorithm: a signature claiming another algorithm for that
// key id is refused (no HS256-with-the-public-key-as-secret confusion).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "consumers/auditor/journal/audit_entry.h"

namespace e911::auditor {

enum class SigningAlgorithm { hs256, es256, rs256 };

std::string_view algorithm_name(SigningAlgorithm algorithm);  // "HS256", "ES256", "RS256"
std::optional<SigningAlgorithm> parse_signing_algorithm(std::string_view name);

// Key ids: 1 to 64 characters of [A-Za-z0-9._:-] ("k-2025", "audit.2026-01").
bool is_valid_key_id(std::string_view key_id);

// HS256 secrets are raw bytes, at least 32 of them (RFC 7518 3.2: at least
// the hash size).
inline constexpr std::size_t kMinSecretBytes = 32;
inline constexpr int kMinRsaBits = 2048;
// Longest signature Keyring::verify() looks at (an RS256 JWS with a
// 4096-bit key is about 900 characters).
inline constexpr std::size_t kMaxSignatureChars = 4096;

// Makes signatures with one key. Cheap to copy (the key is shared); not
// safe to use from several threads at once.
class Signer {
 public:
  static Result<Signer> hs256(std::string key_id, std::string secret);
  // An unencrypted PEM private key ("PRIVATE KEY", "EC PRIVATE KEY" or
  // "RSA PRIVATE KEY"), or an encrypted one with its passphrase: EC P-256
  // for ES256, RSA for RS256.
  static Result<Signer> from_private_key_pem(std::string key_id, SigningAlgorithm algorithm, std::string_view pem,
                                             const std::string& passphrase = "");

  // Files. A secret file holds the secret's bytes; trailing line breaks
  // (as `openssl rand -hex 32 > file` leaves) are not part of it.
  static Result<Signer> from_secret_file(std::string key_id, const std::string& path);
  static Result<Signer> from_private_key_file(std::string key_id, SigningAlgorithm algorithm, const std::string& path,
                                              const std::string& passphrase = "");

  const std::string& key_id() const;
  SigningAlgorithm algorithm() const;

  // The JWS over {hash, seq}. Throws std::runtime_error if the crypto
  // library fails (it does not with a key that loaded).
  std::string sign(std::int64_t seq, std::string_view hash) const;

  // The public key as PEM ("PUBLIC KEY", SubjectPublicKeyInfo) for the
  // keyring; empty for HS256.
  std::string public_key_pem() const;

  struct Impl;

 private:
  friend class Keyring;  // add_verifier_of() reads an HS256 secret
  explicit Signer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// A fresh private key as unencrypted PEM (PKCS#8 "PRIVATE KEY"): EC P-256
// for ES256, RSA of `rsa_bits` (2048 to 4096) for RS256. Error for HS256.
Result<std::string> generate_private_key_pem(SigningAlgorithm algorithm, int rsa_bits = 2048);
// The secret of a secret file (see Signer::from_secret_file).
Result<std::string> read_secret_file(const std::string& path);

struct VerifiedSignature {
  std::string key_id;
  SigningAlgorithm algorithm = SigningAlgorithm::hs256;
};

// Verification keys by key id.
class Keyring {
 public:
  // An HS256 secret (the same one the signer has).
  std::optional<Error> add_secret(std::string key_id, std::string secret);
  // A PEM public key ("PUBLIC KEY", or "RSA PUBLIC KEY" for RS256). Private
  // keys are refused: a keyring is meant to be handed to auditors.
  std::optional<Error> add_public_key_pem(std::string key_id, SigningAlgorithm algorithm, std::string_view pem);
  std::optional<Error> add_secret_file(std::string key_id, const std::string& path);
  std::optional<Error> add_public_key_file(std::string key_id, SigningAlgorithm algorithm, const std::string& path);
  // The signer's verification key: its secret for HS256, its public key
  // otherwise.
  std::optional<Error> add_verifier_of(const Signer& signer);

  bool contains(std::string_view key_id) const;
  std::size_t size() const { return keys_.size(); }
  // The key ids, sorted (what the audit console shows; never a key).
  std::vector<std::string> key_ids() const;

  // Checks entry.signature: the key named by entry.key_id signed it, with
  // that key's algorithm, its header names that key, and its claims are
  // this entry's hash and seq. Does not recompute entry.hash (see
  // verify_chain). The error says what failed, without the seq:
  //   "unknown key id k-x", "signature invalid for key k-2025",
  //   "signature covers hash 3a2b..., not the entry's hash 9f3e..."
  Result<VerifiedSignature> verify(const AuditEntry& entry) const;

  struct Key;

 private:
  std::optional<Error> add(std::string key_id, std::shared_ptr<const Key> key);
  std::map<std::string, std::shared_ptr<const Key>, std::less<>> keys_;
};

}  // namespace e911::auditor
