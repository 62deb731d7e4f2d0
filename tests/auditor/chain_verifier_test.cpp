#include "consumers/auditor/chain_verifier.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>

#include "consumers/auditor/hash_chain.h"
#include "tests/auditor/audit_test_support.h"

namespace e911::auditor {
namespace {

constexpr EpochMillis kStart = 1795255200000;  // 2026-11-21T10:00:00Z

std::string payload_of(std::int64_t i) {
  return R"({"attempt":)" + std::to_string(i) + R"(,"channel":"sms","status":"delivered","to":"+15125550100"})";
}

// Entries 1..n, entry i signed by `who(i)`.
template <typename Who>
std::vector<AuditEntry> build_chain(int n, Who who) {
  std::vector<AuditEntry> chain;
  for (int i = 1; i <= n; ++i) {
    const AuditEntry* previous = chain.empty() ? nullptr : &chain.back();
    chain.push_back(chain_next(previous, std::string(entry_kind::kNotification), "c-" + std::to_string((i + 1) / 2),
                               kStart + i * 250, payload_of(i), who(i)));
  }
  return chain;
}

VerifyResult verify(const std::vector<AuditEntry>& chain, const Keyring& keyring, const ChainAnchor& anchor = {}) {
  return verify_chain(entries_of(chain), keyring, anchor);
}

// What someone with write access to the store but not the signing key can
// do to an entry: change it and recompute its hash.
void rehash(AuditEntry& e) { e.hash = entry_hash(e); }
// ... and with some key: sign it again.
void resign(AuditEntry& e, const Signer& s) {
  e.key_id = s.key_id();
  e.hash = entry_hash(e);
  e.signature = s.sign(e.seq, e.hash);
}

class ChainVerifierByAlgorithm : public ::testing::TestWithParam<SigningAlgorithm> {
 protected:
  Signer signer_ = test::signer(GetParam(), "k1");
  Keyring keyring_ = test::keyring_of(signer_);
  std::vector<AuditEntry> chain_ = build_chain(6, [this](int) -> const Signer& { return signer_; });

  void expect_bad(const std::vector<AuditEntry>& chain, std::int64_t seq, const std::string& reason) {
    expect_bad(chain, seq, reason, keyring_);
  }
  void expect_bad(const std::vector<AuditEntry>& chain, std::int64_t seq, const std::string& reason,
                  const Keyring& keyring) {
    const auto r = verify(chain, keyring);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_bad_seq, seq);
    EXPECT_EQ(r.reason, reason);
    EXPECT_EQ(r.entries, seq - 1);
    EXPECT_EQ(r.last_seq, seq - 1);
  }
};

TEST_P(ChainVerifierByAlgorithm, AcceptsAnIntactChain) {
  const auto r = verify(chain_, keyring_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 6);
  EXPECT_EQ(r.first_bad_seq, 0);
  EXPECT_EQ(r.reason, "");
  EXPECT_EQ(r.last_seq, 6);
  EXPECT_EQ(r.last_hash, chain_.back().hash);

  const auto empty = verify({}, keyring_);
  EXPECT_TRUE(empty.ok);
  EXPECT_EQ(empty.entries, 0);
  EXPECT_EQ(empty.last_hash, "");
}

TEST_P(ChainVerifierByAlgorithm, DetectsAChangedPayloadByte) {
  auto chain = chain_;
  auto& e = chain[3];
  const auto stored = e.hash;
  e.payload[e.payload.find("sms") + 2] = 'x';  // "smx": still canonical JSON
  expect_bad(chain, 4,
             "seq 4: hash does not match its content (stored " + abbreviated_hash(stored) + ", computed " +
                 abbreviated_hash(entry_hash(e)) + ")");

  // A change that breaks the JSON is named as such.
  chain = chain_;
  chain[3].payload[chain[3].payload.find(':')] = ' ';
  const auto r = verify(chain, keyring_);
  EXPECT_EQ(r.first_bad_seq, 4);
  EXPECT_EQ(r.reason.rfind("seq 4: payload is not valid canonical JSON: ", 0), 0u) << r.reason;
}

TEST_P(ChainVerifierByAlgorithm, DetectsAChangedHashByte) {
  auto chain = chain_;
  const auto computed = chain[2].hash;
  chain[2].hash[0] = chain[2].hash[0] == 'f' ? 'e' : 'f';
  expect_bad(chain, 3,
             "seq 3: hash does not match its content (stored " + abbreviated_hash(chain[2].hash) + ", computed " +
                 abbreviated_hash(computed) + ")");
}

TEST_P(ChainVerifierByAlgorithm, DetectsAChangeWhoseHashWasRecomputed) {
  auto chain = chain_;
  chain[3].payload = payload_of(99);
  const auto signed_hash = chain[3].hash;
  rehash(chain[3]);
  expect_bad(chain, 4,
             "seq 4: signature covers hash " + abbreviated_hash(signed_hash) + ", not the entry's hash " +
                 abbreviated_hash(chain[3].hash));
  // Re-hashing the rest of the chain too changes nothing: seq 4 is first.
  for (std::size_t i = 4; i < chain.size(); ++i) {
    chain[i].prev_hash = chain[i - 1].hash;
    rehash(chain[i]);
  }
  EXPECT_EQ(verify(chain, keyring_).first_bad_seq, 4);
}

TEST_P(ChainVerifierByAlgorithm, DetectsADroppedEntry) {
  auto chain = chain_;
  chain.erase(chain.begin() + 2);
  expect_bad(chain, 3, "seq 3 missing (found 4 after 2)");
  // The first one.
  chain = chain_;
  chain.erase(chain.begin());
  expect_bad(chain, 1, "seq 1 missing (found 2 at the start)");
}

TEST_P(ChainVerifierByAlgorithm, DetectsSwappedEntries) {
  auto chain = chain_;
  std::swap(chain[2], chain[3]);
  expect_bad(chain, 3, "seq 3 missing (found 4 after 2)");
  // Swapped, and their seq numbers swapped back: the links break.
  std::swap(chain[2].seq, chain[3].seq);
  expect_bad(chain, 3, "seq 3: prev_hash does not match seq 2's hash");
  // A repeated entry.
  chain = chain_;
  chain.insert(chain.begin() + 3, chain[2]);
  expect_bad(chain, 4, "seq 4 expected, found 3 after 3 (out of order or repeated)");
}

TEST_P(ChainVerifierByAlgorithm, DetectsAChangedPrevHash) {
  auto chain = chain_;
  chain[4].prev_hash = chain[2].hash;
  resign(chain[4], signer_);  // even with the signing key
  expect_bad(chain, 5, "seq 5: prev_hash does not match seq 4's hash");
  chain = chain_;
  chain[0].prev_hash = std::string(64, '1');
  rehash(chain[0]);
  expect_bad(chain, 1, "seq 1: prev_hash does not match the chain's start (000000000000...)");
}

TEST_P(ChainVerifierByAlgorithm, DetectsEntriesResignedWithAKeyNotInTheKeyring) {
  const auto mallory = test::signer(GetParam(), "k1", 7);  // same key id, other key
  auto chain = chain_;
  chain[3].payload = payload_of(99);
  resign(chain[3], mallory);
  for (std::size_t i = 4; i < chain.size(); ++i) {
    chain[i].prev_hash = chain[i - 1].hash;
    resign(chain[i], mallory);
  }
  expect_bad(chain, 4, "seq 4: signature invalid for key k1");

  // Under its own key id.
  const auto own = test::signer(GetParam(), "mallory", 7);
  chain = chain_;
  resign(chain[3], own);
  expect_bad(chain, 4, "seq 4: unknown key id mallory");
}

TEST_P(ChainVerifierByAlgorithm, DetectsASignatureMovedFromAnotherEntry) {
  auto chain = chain_;
  chain[3].signature = chain[2].signature;
  expect_bad(chain, 4,
             "seq 4: signature covers hash " + abbreviated_hash(chain[2].hash) + ", not the entry's hash " +
                 abbreviated_hash(chain[3].hash));
  chain[3].signature = "";
  expect_bad(chain, 4, "seq 4: no signature");
}

TEST_P(ChainVerifierByAlgorithm, RefusesANonCanonicalPayloadEvenWhenSigned) {
  // Two spellings of one payload would give one entry two hashes; only the
  // canonical one is accepted, whoever signed the other.
  auto chain = chain_;
  chain[1].payload = R"({ "attempt": 2, "channel": "sms", "status": "delivered", "to": "+15125550100" })";
  resign(chain[1], signer_);
  expect_bad(chain, 2, "seq 2: payload is not in canonical form");
}

TEST_P(ChainVerifierByAlgorithm, FollowsKeyRotation) {
  // Entries 1-3 signed with k1, 4-6 with k2 (seq 4 records the rotation).
  const auto k1 = test::signer(GetParam(), "k1", 0);
  const auto k2 = test::signer(GetParam(), "k2", 1);
  auto chain = build_chain(6, [&](int i) -> const Signer& { return i <= 3 ? k1 : k2; });
  chain[3] = chain_next(&chain[2], std::string(entry_kind::kKeyRotation), "", kStart + 1000,
                        R"({"from":"k1","to":"k2"})", k2);
  for (std::size_t i = 4; i < chain.size(); ++i) {
    chain[i] = chain_next(&chain[i - 1], chain[i].kind, chain[i].call_id, chain[i].at, chain[i].payload, k2);
  }
  EXPECT_EQ(chain[2].key_id, "k1");
  EXPECT_EQ(chain[3].key_id, "k2");

  const auto both = test::keyring_of(k1, k2);
  const auto r = verify(chain, both);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 6);

  expect_bad(chain, 1, "seq 1: unknown key id k1", test::keyring_of(k2));
  expect_bad(chain, 4, "seq 4: unknown key id k2", test::keyring_of(k1));
  // k1's key under k2's name does not pass for k2.
  Keyring swapped;
  if (GetParam() == SigningAlgorithm::hs256) {
    ASSERT_FALSE(swapped.add_secret("k1", test::secret(0)));
    ASSERT_FALSE(swapped.add_secret("k2", test::secret(0)));
  } else {
    ASSERT_FALSE(swapped.add_public_key_pem("k1", GetParam(), k1.public_key_pem()));
    ASSERT_FALSE(swapped.add_public_key_pem("k2", GetParam(), k1.public_key_pem()));
  }
  expect_bad(chain, 4, "seq 4: signature invalid for key k2", swapped);
}

TEST_P(ChainVerifierByAlgorithm, StartsFromAnAnchorAfterAPurge) {
  const std::vector<AuditEntry> kept(chain_.begin() + 3, chain_.end());
  const auto r = verify(kept, keyring_, ChainAnchor{4, chain_[2].hash});
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 3);
  EXPECT_EQ(r.last_seq, 6);

  EXPECT_EQ(verify(kept, keyring_).reason, "seq 1 missing (found 4 at the start)");
  const auto wrong = verify(kept, keyring_, ChainAnchor{4, chain_[1].hash});
  EXPECT_EQ(wrong.first_bad_seq, 4);
  EXPECT_EQ(wrong.reason, "seq 4: prev_hash does not match the chain's start (" + abbreviated_hash(chain_[1].hash) + ")");
}

INSTANTIATE_TEST_SUITE_P(ChainVerifier, ChainVerifierByAlgorithm,
                         ::testing::Values(SigningAlgorithm::hs256, SigningAlgorithm::es256, SigningAlgorithm::rs256),
                         [](const ::testing::TestParamInfo<SigningAlgorithm>& info) {
                           return std::string(algorithm_name(info.param));
                         });

TEST(ChainVerifier, StreamsEntriesOneAtATime) {
  // The source makes each entry as it is asked for: nothing holds the
  // chain, and the verifier keeps only the previous hash.
  const auto s = test::signer(SigningAlgorithm::hs256, "k1");
  const auto keyring = test::keyring_of(s);
  constexpr int kEntries = 3000;
  AuditEntry previous;
  int made = 0;
  const EntrySource source = [&](AuditEntry& out) {
    if (made == kEntries) return false;
    out = chain_next(made ? &previous : nullptr, "notification", "c-" + std::to_string(made), kStart + made,
                     payload_of(made), s);
    previous = out;
    ++made;
    return true;
  };
  const auto r = verify_chain(source, keyring);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, kEntries);
  EXPECT_EQ(r.last_seq, kEntries);
  EXPECT_EQ(r.last_hash, previous.hash);
}

TEST(ChainVerifier, LetsReadErrorsThrough) {
  const auto s = test::signer(SigningAlgorithm::hs256, "k1");
  const EntrySource broken = [](AuditEntry&) -> bool { throw std::runtime_error("disk on fire"); };
  EXPECT_THROW(verify_chain(broken, test::keyring_of(s)), std::runtime_error);
}

}  // namespace
}  // namespace e911::auditor
