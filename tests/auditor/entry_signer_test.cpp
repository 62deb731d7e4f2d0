#include "consumers/auditor/journal/entry_signer.h"

#include <Poco/Crypto/ECKey.h>
#include <Poco/Crypto/EVPPKey.h>
#include <Poco/Crypto/RSAKey.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "consumers/auditor/journal/canonical_json.h"
#include "consumers/auditor/journal/hash_chain.h"
#include "tests/auditor/audit_test_support.h"

namespace e911::auditor {
namespace {

using test::private_key_pem;
using test::secret;
using test::signer;
using test::split_jws;
using test::TempDir;

constexpr SigningAlgorithm kAll[] = {SigningAlgorithm::hs256, SigningAlgorithm::es256, SigningAlgorithm::rs256};
const std::string kHash = sha256_hex("entry");

std::string canon(std::string_view json) {
  auto r = canonical_json(json);
  return r ? *r : "invalid: " + r.error().message;
}

// An entry Keyring::verify accepts: its hash is not recomputed there.
AuditEntry signed_entry(const Signer& s, std::int64_t seq = 7, const std::string& hash = kHash) {
  AuditEntry e;
  e.seq = seq;
  e.hash = hash;
  e.key_id = s.key_id();
  e.signature = s.sign(seq, hash);
  return e;
}

std::string reason(const Keyring& keyring, const AuditEntry& e) {
  auto r = keyring.verify(e);
  return r ? std::string("verified") : r.error().message;
}

std::string pem_with_passphrase(const std::string& pem, const std::string& passphrase) {
  std::istringstream in(pem);
  Poco::Crypto::EVPPKey key(nullptr, &in, "");
  std::ostringstream out;
  key.save(nullptr, &out, passphrase);
  return out.str();
}

TEST(EntrySigner, MakesACompactJwsOverHashAndSeq) {
  for (const auto alg : kAll) {
    const auto s = signer(alg, "k-2025");
    EXPECT_EQ(s.key_id(), "k-2025");
    EXPECT_EQ(s.algorithm(), alg);
    const auto jws = s.sign(42, kHash);
    EXPECT_EQ(std::count(jws.begin(), jws.end(), '.'), 2) << jws;
    const auto parts = split_jws(jws);
    const std::string name(algorithm_name(alg));
    EXPECT_EQ(canon(parts.header), R"({"alg":")" + name + R"(","kid":"k-2025","typ":"JWT"})") << parts.header;
    EXPECT_EQ(canon(parts.claims), R"({"hash":")" + kHash + R"(","seq":42})") << parts.claims;
    // RFC 7518: HMAC SHA-256 output, ECDSA R||S (not DER), RSA modulus size.
    const std::size_t expected_size = alg == SigningAlgorithm::hs256 ? 32u : alg == SigningAlgorithm::es256 ? 64u : 256u;
    EXPECT_EQ(parts.signature.size(), expected_size) << name;
    EXPECT_TRUE(test::keyring_of(s).verify(signed_entry(s)).ok()) << name;
  }
  // HS256 and RS256 are deterministic; ES256 is not, and each one verifies.
  const auto hs = signer(SigningAlgorithm::hs256, "h");
  EXPECT_EQ(hs.sign(1, kHash), hs.sign(1, kHash));
  const auto es = signer(SigningAlgorithm::es256, "e");
  EXPECT_NE(es.sign(1, kHash), es.sign(1, kHash));
  EXPECT_EQ(es.public_key_pem().rfind("-----BEGIN PUBLIC KEY-----", 0), 0u) << es.public_key_pem();
  EXPECT_EQ(hs.public_key_pem(), "");
}

TEST(EntrySigner, RefusesWeakOrMismatchedKeys) {
  const auto err = [](const Result<Signer>& r) { return r.ok() ? std::string("accepted") : r.error().message; };
  EXPECT_NE(err(Signer::hs256("k1", "short")).find("too short: 5 bytes"), std::string::npos);
  EXPECT_NE(err(Signer::hs256("", secret())).find("key id"), std::string::npos);
  EXPECT_NE(err(Signer::hs256("k 1", secret())).find("key id"), std::string::npos);
  EXPECT_NE(err(Signer::hs256(std::string(65, 'k'), secret())).find("key id"), std::string::npos);
  EXPECT_TRUE(Signer::hs256(std::string(64, 'k'), secret()).ok());

  const auto& ec = private_key_pem(SigningAlgorithm::es256);
  const auto& rsa = private_key_pem(SigningAlgorithm::rs256);
  EXPECT_NE(err(Signer::from_private_key_pem("k1", SigningAlgorithm::es256, rsa)).find("not an EC key"),
            std::string::npos);
  EXPECT_NE(err(Signer::from_private_key_pem("k1", SigningAlgorithm::rs256, ec)).find("needs an RSA key"),
            std::string::npos);
  EXPECT_NE(err(Signer::from_private_key_pem("k1", SigningAlgorithm::hs256, ec)).find("secret"), std::string::npos);

  Poco::Crypto::ECKey p384("secp384r1");
  std::ostringstream p384_pem;
  Poco::Crypto::EVPPKey(&p384).save(nullptr, &p384_pem);
  EXPECT_NE(err(Signer::from_private_key_pem("k1", SigningAlgorithm::es256, p384_pem.str())).find("secp384r1"),
            std::string::npos);
  Poco::Crypto::RSAKey rsa1024(Poco::Crypto::RSAKey::KL_1024, Poco::Crypto::RSAKey::EXP_LARGE);
  std::ostringstream rsa1024_pem;
  Poco::Crypto::EVPPKey(&rsa1024).save(nullptr, &rsa1024_pem);
  EXPECT_NE(err(Signer::from_private_key_pem("k1", SigningAlgorithm::rs256, rsa1024_pem.str())).find("1024"),
            std::string::npos);

  // A public key, garbage, an encrypted key without its passphrase.
  const auto es = signer(SigningAlgorithm::es256, "k1");
  EXPECT_NE(err(Signer::from_private_key_pem("k1", SigningAlgorithm::es256, es.public_key_pem())).find("not a PEM private key"),
            std::string::npos);
  EXPECT_NE(err(Signer::from_private_key_pem("k1", SigningAlgorithm::es256,
                                              "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
                .find("cannot load"),
            std::string::npos);
  const auto encrypted = pem_with_passphrase(ec, "open sesame");
  EXPECT_NE(err(Signer::from_private_key_pem("k1", SigningAlgorithm::es256, encrypted)).find("encrypted"),
            std::string::npos);
  EXPECT_NE(err(Signer::from_private_key_pem("k1", SigningAlgorithm::es256, encrypted, "wrong")).find("cannot load"),
            std::string::npos);
  const auto unlocked = Signer::from_private_key_pem("k1", SigningAlgorithm::es256, encrypted, "open sesame");
  ASSERT_TRUE(unlocked.ok()) << unlocked.error().message;
  EXPECT_EQ(unlocked->public_key_pem(), es.public_key_pem());
}

TEST(EntrySigner, LoadsSecretAndKeyFiles) {
  TempDir dir;
  const auto secret_path = dir.write("audit.secret", secret() + "\n");
  const auto from_file = Signer::from_secret_file("k1", secret_path);
  ASSERT_TRUE(from_file.ok()) << from_file.error().message;
  // The trailing line break is not part of the secret.
  EXPECT_EQ(from_file->sign(1, kHash), signer(SigningAlgorithm::hs256, "k1").sign(1, kHash));
  EXPECT_EQ(*read_secret_file(secret_path), secret());

  const auto key_path = dir.write("audit-es256.pem", private_key_pem(SigningAlgorithm::es256));
  const auto es = Signer::from_private_key_file("k2", SigningAlgorithm::es256, key_path);
  ASSERT_TRUE(es.ok()) << es.error().message;
  const auto public_path = dir.write("audit-es256.pub.pem", es->public_key_pem());

  Keyring keyring;
  EXPECT_FALSE(keyring.add_secret_file("k1", secret_path));
  EXPECT_FALSE(keyring.add_public_key_file("k2", SigningAlgorithm::es256, public_path));
  EXPECT_TRUE(keyring.verify(signed_entry(*from_file)).ok());
  EXPECT_TRUE(keyring.verify(signed_entry(*es)).ok());

  EXPECT_FALSE(Signer::from_secret_file("k1", dir.file("missing")).ok());
  EXPECT_FALSE(Signer::from_private_key_file("k1", SigningAlgorithm::rs256, dir.file("missing")).ok());
  const auto missing = keyring.add_public_key_file("k3", SigningAlgorithm::rs256, dir.file("missing"));
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->message.find("cannot open key file"), std::string::npos);
  const auto huge = dir.write("huge", std::string(100 * 1024, 'x'));
  EXPECT_FALSE(Signer::from_secret_file("k1", huge).ok());
}

// Someone else's implementation agrees: the openssl command verifies our
// RS256 and ES256 signatures with the public key, and keys openssl made
// (SEC1 and PKCS#1 private keys, PKCS#1 public keys) load.
TEST(EntrySigner, OpensslVerifiesSignatures) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl command";
  TempDir dir;
  const auto run = [](const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); };
  ASSERT_EQ(run("openssl ecparam -name prime256v1 -genkey -noout -out " + dir.file("ec.pem")), 0);
  ASSERT_EQ(run("openssl genrsa -traditional -out " + dir.file("rsa.pem") + " 2048"), 0);
  ASSERT_EQ(run("openssl pkey -in " + dir.file("ec.pem") + " -pubout -out " + dir.file("ec.pub")), 0);
  ASSERT_EQ(run("openssl pkey -in " + dir.file("rsa.pem") + " -pubout -out " + dir.file("rsa.pub")), 0);
  ASSERT_EQ(run("openssl rsa -in " + dir.file("rsa.pem") + " -RSAPublicKey_out -out " + dir.file("rsa.pkcs1.pub")), 0);
  EXPECT_NE(test::read_file_or_empty(dir.file("ec.pem")).find("BEGIN EC PRIVATE KEY"), std::string::npos);
  EXPECT_NE(test::read_file_or_empty(dir.file("rsa.pem")).find("BEGIN RSA PRIVATE KEY"), std::string::npos);

  for (const auto alg : {SigningAlgorithm::es256, SigningAlgorithm::rs256}) {
    const std::string base = alg == SigningAlgorithm::es256 ? "ec" : "rsa";
    const auto s = Signer::from_private_key_file("k1", alg, dir.file(base + ".pem"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    const auto jws = s->sign(3, kHash);
    const auto parts = split_jws(jws);
    std::string signature = parts.signature;
    if (alg == SigningAlgorithm::es256) {
      // JWS carries R||S; openssl wants DER: SEQUENCE { INTEGER r, INTEGER s }.
      const auto integer = [](std::string v) {
        while (v.size() > 1 && v[0] == '\0') v.erase(0, 1);
        if (static_cast<unsigned char>(v[0]) & 0x80) v.insert(0, 1, '\0');
        return std::string{'\x02', static_cast<char>(v.size())} + v;
      };
      const auto body = integer(signature.substr(0, 32)) + integer(signature.substr(32));
      signature = std::string{'\x30', static_cast<char>(body.size())} + body;
    }
    dir.write("input", parts.signing_input);
    dir.write("signature", signature);
    EXPECT_EQ(run("openssl dgst -sha256 -verify " + dir.file(base + ".pub") + " -signature " + dir.file("signature") +
                  " " + dir.file("input")),
              0)
        << base;

    Keyring keyring;
    EXPECT_FALSE(keyring.add_public_key_file("k1", alg, dir.file(base + ".pub")));
    EXPECT_TRUE(keyring.verify(signed_entry(*s, 3)).ok()) << base;
  }
  Keyring pkcs1;
  EXPECT_FALSE(pkcs1.add_public_key_file("k1", SigningAlgorithm::rs256, dir.file("rsa.pkcs1.pub")));
  const auto rsa = Signer::from_private_key_file("k1", SigningAlgorithm::rs256, dir.file("rsa.pem"));
  EXPECT_TRUE(pkcs1.verify(signed_entry(*rsa)).ok());
}

TEST(Keyring, RefusesPrivateKeysWrongKindsAndDuplicates) {
  const auto es = signer(SigningAlgorithm::es256, "k1");
  Keyring k;
  const auto priv = k.add_public_key_pem("k1", SigningAlgorithm::es256, private_key_pem(SigningAlgorithm::es256));
  ASSERT_TRUE(priv);
  EXPECT_NE(priv->message.find("public keys only"), std::string::npos);
  EXPECT_TRUE(k.add_public_key_pem("k1", SigningAlgorithm::hs256, es.public_key_pem()));
  EXPECT_TRUE(k.add_public_key_pem("k1", SigningAlgorithm::rs256, es.public_key_pem()));
  EXPECT_TRUE(k.add_public_key_pem("k1", SigningAlgorithm::es256, "not a key"));
  EXPECT_TRUE(k.add_secret("k1", "short"));
  EXPECT_TRUE(k.add_secret("bad id", secret()));
  EXPECT_EQ(k.size(), 0u);
  EXPECT_FALSE(k.add_public_key_pem("k1", SigningAlgorithm::es256, es.public_key_pem()));
  const auto twice = k.add_secret("k1", secret());
  ASSERT_TRUE(twice);
  EXPECT_NE(twice->message.find("twice"), std::string::npos);
  EXPECT_TRUE(k.contains("k1"));
  EXPECT_FALSE(k.contains("k2"));
}

TEST(Keyring, VerifiesWithThePublicKeyAlone) {
  for (const auto alg : {SigningAlgorithm::es256, SigningAlgorithm::rs256}) {
    const auto s = signer(alg, "k-2025");
    // Only the public key's PEM text crosses over to the auditor.
    const std::string public_pem = s.public_key_pem();
    Keyring auditor;
    ASSERT_FALSE(auditor.add_public_key_pem("k-2025", alg, public_pem));
    const auto verified = auditor.verify(signed_entry(s));
    ASSERT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_EQ(verified->key_id, "k-2025");
    EXPECT_EQ(verified->algorithm, alg);
    // Another key pair's signature under the same key id does not verify.
    EXPECT_EQ(reason(auditor, signed_entry(signer(alg, "k-2025", 1))), "signature invalid for key k-2025");
  }
}

TEST(Keyring, SaysWhySignaturesFail) {
  const auto hs = signer(SigningAlgorithm::hs256, "k1");
  const auto es = signer(SigningAlgorithm::es256, "k2");
  const auto keyring = test::keyring_of(hs, es);
  auto e = signed_entry(hs);
  ASSERT_EQ(reason(keyring, e), "verified");

  auto unknown = e;
  unknown.key_id = "k-x";
  EXPECT_EQ(reason(keyring, unknown), "unknown key id k-x");
  unknown.key_id = "evil\n\x01";
  EXPECT_EQ(reason(keyring, unknown), "unknown key id \"evil\\n\\u0001\"");

  // Signed by k1, but the entry says k2.
  auto other_kid = e;
  other_kid.key_id = "k2";
  EXPECT_EQ(reason(keyring, other_kid), "signature names key k1, not the entry's key k2");

  // An HS256 token presented for the ES256 key k2 (the algorithm-confusion
  // attack: HMAC keyed with the public key).
  const auto forged = Signer::hs256("k2", es.public_key_pem());
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(reason(keyring, signed_entry(*forged)), "signature uses \"HS256\" but key k2 is ES256");

  // Same key, other hash or seq.
  auto wrong_hash = e;
  wrong_hash.hash = sha256_hex("other");
  EXPECT_EQ(reason(keyring, wrong_hash),
            "signature covers hash " + kHash.substr(0, 12) + "..., not the entry's hash " +
                wrong_hash.hash.substr(0, 12) + "...");
  auto wrong_seq = e;
  wrong_seq.seq = 8;
  EXPECT_EQ(reason(keyring, wrong_seq), "signature covers seq 7, not 8");

  // Mangled signatures.
  const auto with_signature = [&](std::string sig) {
    auto x = e;
    x.signature = std::move(sig);
    return reason(keyring, x);
  };
  EXPECT_EQ(with_signature(""), "no signature");
  EXPECT_EQ(with_signature("abc"), "signature is not a JWS compact serialization");
  EXPECT_EQ(with_signature(e.signature + ".x"), "signature is not a JWS compact serialization");
  EXPECT_EQ(with_signature(std::string(5000, 'A')), "signature longer than 4096 characters");
  EXPECT_EQ(with_signature("!!!." + e.signature.substr(e.signature.find('.') + 1)), "signature header is not base64url");
  EXPECT_EQ(with_signature(e.signature + "!"), "signature is not base64url");
  // A header that is deep JSON, or has its kid twice.
  const auto b64 = [](const std::string& raw) {
    static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : raw) {
      acc = (acc << 8) | c;
      bits += 8;
      while (bits >= 6) out += a[(acc >> (bits -= 6)) & 0x3F];
    }
    if (bits) out += a[(acc << (6 - bits)) & 0x3F];
    return out;
  };
  const auto rest = e.signature.substr(e.signature.find('.'));
  EXPECT_NE(with_signature(b64(std::string(500, '[') + std::string(500, ']')) + rest).find("deeper than 32"),
            std::string::npos);
  EXPECT_NE(with_signature(b64(R"({"alg":"HS256","kid":"k2","kid":"k1","typ":"JWT"})") + rest).find("duplicate"),
            std::string::npos);
  EXPECT_EQ(with_signature(b64(R"({"alg":"none","kid":"k1"})") + rest), "signature uses \"none\" but key k1 is HS256");
  // Every single-character change of the signature part is caught.
  const auto sig_start = e.signature.rfind('.') + 1;
  for (std::size_t i = sig_start; i < e.signature.size(); i += 3) {
    auto s = e.signature;
    s[i] = s[i] == 'A' ? 'B' : 'A';
    EXPECT_NE(with_signature(s), "verified") << i;
  }
}

}  // namespace
}  // namespace e911::auditor
