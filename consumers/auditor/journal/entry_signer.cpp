#include "common/encoding.h"
#include "consumers/auditor/journal/entry_signer.h"

#include <Poco/Crypto/ECKey.h>
#include <Poco/Crypto/ECKeyImpl.h>
#include <Poco/Crypto/EVPPKey.h>
#include <Poco/Crypto/OpenSSLInitializer.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Exception.h>
#include <Poco/SharedPtr.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/obj_mac.h>
#include <rapidjson/document.h>

#include <array>
#include <memory>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/enum_names.h"
#include "common/json_reader.h"
#include "common/text.h"
#include "consumers/auditor/journal/canonical_json.h"
#include "consumers/auditor/journal/hash_chain.h"

namespace e911::auditor {

// Poco::Crypto initializes OpenSSL (seeding from /dev/urandom) whenever the
// count of live OpenSSLInitializers goes from 0 to 1, and every
// Poco::Crypto::DigestEngine holds one: without a long-lived one, each hash
// and HMAC would pay for it. Keys hold one for as long as they live.
struct Signer::Impl {
  Poco::Crypto::OpenSSLInitializer openssl;
  std::string key_id;
  SigningAlgorithm algorithm = SigningAlgorithm::hs256;
  std::string public_pem;
  std::unique_ptr<Poco::JWT::Signer> jwt;
};

struct Keyring::Key {
  Poco::Crypto::OpenSSLInitializer openssl;
  SigningAlgorithm algorithm = SigningAlgorithm::hs256;
  std::unique_ptr<Poco::JWT::Signer> jwt;
};

namespace {

using EcKeyPtr = Poco::SharedPtr<Poco::Crypto::ECKey>;
using RsaKeyPtr = Poco::SharedPtr<Poco::Crypto::RSAKey>;

constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

// A key id as error messages show it: as it is when well-formed, quoted
// and escaped otherwise (entries under verification are untrusted).
std::string shown(std::string_view key_id) {
  return is_valid_key_id(key_id) ? std::string(key_id) : quote_for_message(key_id, 64);
}

// Poco's what() is only the exception's name; displayText() says more.
std::string describe(const std::exception& e) {
  if (const auto* poco = dynamic_cast<const Poco::Exception*>(&e)) {
    std::string text = poco->displayText();
    for (char& c : text) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    return std::string(trim(text));
  }
  return e.what();
}

bool has_text(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

Result<std::string> read_small_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot open " + std::string(what) + " " + path};
  std::string data;
  std::array<char, 4096> buf{};
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
    data.append(buf.data(), static_cast<std::size_t>(in.gcount()));
    if (data.size() > kMaxKeyFileBytes) return Error{std::string(what) + " " + path + " is larger than 64 KiB"};
  }
  if (in.bad()) return Error{"cannot read " + std::string(what) + " " + path};
  return data;
}

// A private key from PEM, read by OpenSSL itself: Poco 1.11's EVPPKey
// stream constructor leaks the EVP_PKEY it allocated when the PEM does not
// parse (a corrupt file, a wrong passphrase). EVPPKey(EVP_PKEY*) takes a
// reference of its own, so ours is freed here.
Poco::Crypto::EVPPKey private_key_from_pem(std::string_view pem, const std::string& passphrase) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) throw std::runtime_error("out of memory");
  // With no callback, OpenSSL takes the last argument as the passphrase.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(passphrase.c_str())), EVP_PKEY_free);
  if (!key) {
    const auto code = ERR_get_error();
    ERR_clear_error();
    char reason[256] = "not a readable private key";
    if (code != 0) ERR_error_string_n(code, reason, sizeof reason);
    throw std::runtime_error(reason);
  }
  return Poco::Crypto::EVPPKey(key.get());
}

std::string pem_of(const Poco::Crypto::EVPPKey& key, bool private_part) {
  std::ostringstream pub, priv;
  key.save(&pub, private_part ? &priv : nullptr);
  return private_part ? priv.str() : pub.str();
}

// The EC key of `evp` if it is a P-256 key.
Result<EcKeyPtr> p256_key(const Poco::Crypto::EVPPKey& evp) {
  if (evp.type() != EVP_PKEY_EC) return Error{"ES256 needs an EC P-256 key; this is not an EC key"};
  EcKeyPtr key(new Poco::Crypto::ECKey(evp));
  if (key->impl()->groupId() != NID_X9_62_prime256v1) {
    return Error{"ES256 needs an EC P-256 key; this one is on curve " + key->impl()->groupName()};
  }
  return key;
}

Result<RsaKeyPtr> rsa_key_of(RsaKeyPtr key) {
  const int bits = key->size() * 8;
  if (bits < kMinRsaBits) {
    return Error{"RS256 needs an RSA key of at least " + std::to_string(kMinRsaBits) + " bits; this one has " +
                 std::to_string(bits)};
  }
  return key;
}

std::optional<Error> check_key_id(std::string_view key_id) {
  if (!is_valid_key_id(key_id)) {
    return Error{"key id " + quote_for_message(key_id, 64) + " is not 1-64 characters of [A-Za-z0-9._:-]"};
  }
  return std::nullopt;
}

std::optional<Error> check_secret(std::string_view secret) {
  if (secret.size() < kMinSecretBytes) {
    return Error{"HS256 secret too short: " + std::to_string(secret.size()) + " bytes (at least " +
                 std::to_string(kMinSecretBytes) + ")"};
  }
  return std::nullopt;
}

std::unique_ptr<Poco::JWT::Signer> jwt_for(SigningAlgorithm algorithm) {
  auto jwt = std::make_unique<Poco::JWT::Signer>();
  // Only this key's algorithm: a token claiming another one is refused.
  jwt->setAlgorithms({std::string(algorithm_name(algorithm))});
  return jwt;
}

// One part of a JWS, decoded, checked (canonical_json's checks: UTF-8,
// depth, duplicate names) and parsed. Both our parts are JSON objects.
std::optional<Error> decode_part(std::string_view part, std::string_view name, rapidjson::Document& doc) {
  const auto json = base64url_decode(part);
  if (!json) return Error{"signature " + std::string(name) + " is not base64url"};
  const auto canonical = canonical_json(*json);
  if (!canonical) return Error{"signature " + std::string(name) + " is not valid JSON: " + canonical.error().message};
  doc.Parse<rapidjson::kParseIterativeFlag>(canonical->data(), canonical->size());
  if (doc.HasParseError() || !doc.IsObject()) return Error{"signature " + std::string(name) + " is not a JSON object"};
  return std::nullopt;
}

std::string string_member(const rapidjson::Value& object, const char* name) {
  const auto* v = find_member(object, name);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

constexpr auto kAlgorithmNames = enum_names<SigningAlgorithm>(
    {{SigningAlgorithm::hs256, "HS256"}, {SigningAlgorithm::es256, "ES256"}, {SigningAlgorithm::rs256, "RS256"}});

}  // namespace

std::string_view algorithm_name(SigningAlgorithm algorithm) { return kAlgorithmNames.name(algorithm, "?"); }

std::optional<SigningAlgorithm> parse_signing_algorithm(std::string_view name) { return kAlgorithmNames.value(name); }

bool is_valid_key_id(std::string_view key_id) {
  if (key_id.empty() || key_id.size() > 64) return false;
  for (char c : key_id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> read_secret_file(const std::string& path) {
  auto data = read_small_file(path, "secret file");
  if (!data) return data;
  std::string secret = std::move(*data);
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return secret;
}

Result<std::string> generate_private_key_pem(SigningAlgorithm algorithm, int rsa_bits) {
  try {
    switch (algorithm) {
      case SigningAlgorithm::hs256: return Error{"HS256 uses a secret, not a key pair"};
      case SigningAlgorithm::es256: {
        Poco::Crypto::ECKey key("prime256v1");
        return pem_of(Poco::Crypto::EVPPKey(&key), true);
      }
      case SigningAlgorithm::rs256: {
        if (rsa_bits < kMinRsaBits || rsa_bits > 4096) {
          return Error{"RSA keys here have " + std::to_string(kMinRsaBits) + " to 4096 bits"};
        }
        Poco::Crypto::RSAKey key(static_cast<Poco::Crypto::RSAKey::KeyLength>(rsa_bits), Poco::Crypto::RSAKey::EXP_LARGE);
        return pem_of(Poco::Crypto::EVPPKey(&key), true);
      }
    }
  } catch (const std::exception& e) {
    return Error{"cannot generate a key: " + describe(e)};
  }
  return Error{"unknown algorithm"};
}

// --- Signer ---------------------------------------------------------------

Result<Signer> Signer::hs256(std::string key_id, std::string secret) {
  if (auto e = check_key_id(key_id)) return *e;
  if (auto e = check_secret(secret)) return *e;
  auto impl = std::make_shared<Impl>();
  impl->key_id = std::move(key_id);
  impl->algorithm = SigningAlgorithm::hs256;
  impl->jwt = jwt_for(SigningAlgorithm::hs256);
  impl->jwt->setHMACKey(secret);
  return Signer(std::move(impl));
}

Result<Signer> Signer::from_private_key_pem(std::string key_id, SigningAlgorithm algorithm, std::string_view pem,
                                            const std::string& passphrase) {
  if (auto e = check_key_id(key_id)) return *e;
  if (algorithm == SigningAlgorithm::hs256) return Error{"HS256 signs with a secret, not a private key"};
  if (!has_text(pem, "PRIVATE KEY-----")) return Error{"key " + key_id + ": not a PEM private key"};
  // With no passphrase OpenSSL would ask for one on the terminal.
  if (has_text(pem, "ENCRYPTED") && passphrase.empty()) {
    return Error{"key " + key_id + ": the private key is encrypted and no passphrase was given"};
  }
  auto impl = std::make_shared<Impl>();
  impl->key_id = std::move(key_id);
  impl->algorithm = algorithm;
  impl->jwt = jwt_for(algorithm);
  try {
    const auto evp = private_key_from_pem(pem, passphrase);
    if (algorithm == SigningAlgorithm::es256) {
      auto key = p256_key(evp);
      if (!key) return Error{"key " + impl->key_id + ": " + key.error().message};
      impl->jwt->setECKey(*key);
    } else {
      if (evp.type() != EVP_PKEY_RSA) return Error{"key " + impl->key_id + ": RS256 needs an RSA key; this is not one"};
      auto key = rsa_key_of(RsaKeyPtr(new Poco::Crypto::RSAKey(evp)));
      if (!key) return Error{"key " + impl->key_id + ": " + key.error().message};
      impl->jwt->setRSAKey(*key);
    }
    impl->public_pem = pem_of(evp, false);
  } catch (const std::exception& e) {
    return Error{"key " + impl->key_id + ": cannot load the private key: " + describe(e)};
  }
  return Signer(std::move(impl));
}

Result<Signer> Signer::from_secret_file(std::string key_id, const std::string& path) {
  auto secret = read_secret_file(path);
  if (!secret) return secret.error();
  return hs256(std::move(key_id), std::move(*secret));
}

Result<Signer> Signer::from_private_key_file(std::string key_id, SigningAlgorithm algorithm, const std::string& path,
                                             const std::string& passphrase) {
  auto pem = read_small_file(path, "key file");
  if (!pem) return pem.error();
  return from_private_key_pem(std::move(key_id), algorithm, *pem, passphrase);
}

const std::string& Signer::key_id() const { return impl_->key_id; }
SigningAlgorithm Signer::algorithm() const { return impl_->algorithm; }
std::string Signer::public_key_pem() const { return impl_->public_pem; }

std::string Signer::sign(std::int64_t seq, std::string_view hash) const {
  try {
    Poco::JWT::Token token;
    token.setType("JWT");
    token.header().set("kid", impl_->key_id);
    token.payload().set("hash", std::string(hash));
    token.payload().set("seq", static_cast<Poco::Int64>(seq));
    return impl_->jwt->sign(token, std::string(algorithm_name(impl_->algorithm)));
  } catch (const std::exception& e) {
    throw std::runtime_error("signing audit entry " + std::to_string(seq) + " with key " + impl_->key_id + ": " +
                             describe(e));
  }
}

// --- Keyring --------------------------------------------------------------

std::optional<Error> Keyring::add(std::string key_id, std::shared_ptr<const Key> key) {
  if (keys_.count(key_id)) return Error{"key id " + key_id + " is in the keyring twice"};
  keys_.emplace(std::move(key_id), std::move(key));
  return std::nullopt;
}

std::optional<Error> Keyring::add_secret(std::string key_id, std::string secret) {
  if (auto e = check_key_id(key_id)) return e;
  if (auto e = check_secret(secret)) return Error{"key " + key_id + ": " + e->message};
  auto key = std::make_shared<Key>();
  key->algorithm = SigningAlgorithm::hs256;
  key->jwt = jwt_for(SigningAlgorithm::hs256);
  key->jwt->setHMACKey(secret);
  return add(std::move(key_id), std::move(key));
}

std::optional<Error> Keyring::add_public_key_pem(std::string key_id, SigningAlgorithm algorithm, std::string_view pem) {
  if (auto e = check_key_id(key_id)) return e;
  if (algorithm == SigningAlgorithm::hs256) return Error{"key " + key_id + ": HS256 verifies with a secret, not a public key"};
  if (has_text(pem, "PRIVATE KEY")) {
    return Error{"key " + key_id + ": this is a private key; a keyring takes public keys only"};
  }
  if (!has_text(pem, "PUBLIC KEY-----")) return Error{"key " + key_id + ": not a PEM public key"};
  auto key = std::make_shared<Key>();
  key->algorithm = algorithm;
  key->jwt = jwt_for(algorithm);
  try {
    std::istringstream in{std::string(pem)};
    if (algorithm == SigningAlgorithm::es256) {
      const Poco::Crypto::EVPPKey evp(&in, nullptr, "");
      auto ec = p256_key(evp);
      if (!ec) return Error{"key " + key_id + ": " + ec.error().message};
      key->jwt->setECKey(*ec);
    } else {
      // RSAKey reads both "PUBLIC KEY" and PKCS#1 "RSA PUBLIC KEY".
      auto rsa = rsa_key_of(RsaKeyPtr(new Poco::Crypto::RSAKey(&in, nullptr, "")));
      if (!rsa) return Error{"key " + key_id + ": " + rsa.error().message};
      key->jwt->setRSAKey(*rsa);
    }
  } catch (const std::exception& e) {
    return Error{"key " + key_id + ": cannot load the " + std::string(algorithm_name(algorithm)) +
                 " public key: " + describe(e)};
  }
  return add(std::move(key_id), std::move(key));
}

std::optional<Error> Keyring::add_secret_file(std::string key_id, const std::string& path) {
  auto secret = read_secret_file(path);
  if (!secret) return secret.error();
  return add_secret(std::move(key_id), std::move(*secret));
}

std::optional<Error> Keyring::add_public_key_file(std::string key_id, SigningAlgorithm algorithm,
                                                  const std::string& path) {
  auto pem = read_small_file(path, "key file");
  if (!pem) return pem.error();
  return add_public_key_pem(std::move(key_id), algorithm, *pem);
}

std::optional<Error> Keyring::add_verifier_of(const Signer& signer) {
  if (signer.algorithm() == SigningAlgorithm::hs256) {
    return add_secret(signer.key_id(), signer.impl_->jwt->getHMACKey());
  }
  return add_public_key_pem(signer.key_id(), signer.algorithm(), signer.public_key_pem());
}

bool Keyring::contains(std::string_view key_id) const { return keys_.find(key_id) != keys_.end(); }

std::vector<std::string> Keyring::key_ids() const {
  std::vector<std::string> ids;
  ids.reserve(keys_.size());
  for (const auto& [id, key] : keys_) ids.push_back(id);
  return ids;
}

Result<VerifiedSignature> Keyring::verify(const AuditEntry& entry) const {
  const auto found = keys_.find(entry.key_id);
  if (found == keys_.end()) return Error{"unknown key id " + shown(entry.key_id)};
  const Key& key = *found->second;
  const std::string kid = shown(entry.key_id);
  const std::string_view jws = entry.signature;

  if (jws.empty()) return Error{"no signature"};
  if (jws.size() > kMaxSignatureChars) return Error{"signature longer than " + std::to_string(kMaxSignatureChars) + " characters"};
  const auto dot1 = jws.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : jws.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jws.find('.', dot2 + 1) != std::string_view::npos) {
    return Error{"signature is not a JWS compact serialization"};
  }
  rapidjson::Document header, claims;
  if (auto e = decode_part(jws.substr(0, dot1), "header", header)) return *e;
  if (auto e = decode_part(jws.substr(dot1 + 1, dot2 - dot1 - 1), "claims", claims)) return *e;
  if (!base64url_decode(jws.substr(dot2 + 1))) return Error{"signature is not base64url"};

  const std::string header_kid = string_member(header, "kid");
  if (header_kid != entry.key_id) {
    return Error{"signature names key " + shown(header_kid) + ", not the entry's key " + kid};
  }
  const std::string alg = string_member(header, "alg");
  if (alg != algorithm_name(key.algorithm)) {
    return Error{"signature uses " + quote_for_message(alg, 16) + " but key " + kid + " is " +
                 std::string(algorithm_name(key.algorithm))};
  }

  bool valid = false;
  try {
    Poco::JWT::Token token;
    valid = key.jwt->tryVerify(std::string(jws), token);
  } catch (const std::exception&) {
    valid = false;
  }
  if (!valid) return Error{"signature invalid for key " + kid};

  const std::string hash = string_member(claims, "hash");
  if (hash != entry.hash) {
    return Error{"signature covers hash " + abbreviated_hash(hash) + ", not the entry's hash " + abbreviated_hash(entry.hash)};
  }
  const auto* seq = find_member(claims, "seq");
  if (!seq || !seq->IsInt64() || seq->GetInt64() != entry.seq) {
    const std::string claimed = seq && seq->IsInt64() ? std::to_string(seq->GetInt64()) : std::string("nothing");
    return Error{"signature covers seq " + claimed + ", not " + std::to_string(entry.seq)};
  }
  return VerifiedSignature{entry.key_id, key.algorithm};
}

}  // namespace e911::auditor
