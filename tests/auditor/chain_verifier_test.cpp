#include "consumers/auditor/journal/chain_verifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "consumers/auditor/journal/hash_chain.h"
#include "consumers/auditor/journal/purge_entry.h"
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

// A hole no purge entry accounts for fails at the end of the walk, naming
// the missing seqs; everything else has verified.
void expect_unaccounted(const VerifyResult& r, std::int64_t first_missing, const std::string& reason,
                        std::int64_t entries, std::int64_t last_seq) {
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, first_missing);
  EXPECT_EQ(r.reason, reason);
  EXPECT_EQ(r.entries, entries);
  EXPECT_EQ(r.last_seq, last_seq);
  EXPECT_EQ(r.purged, 0);
}

TEST_P(ChainVerifierByAlgorithm, DetectsADroppedEntry) {
  auto chain = chain_;
  chain.erase(chain.begin() + 2);
  expect_unaccounted(verify(chain, keyring_), 3, "seq 3 missing: no purge entry covers it", 5, 6);
  // The first one.
  chain = chain_;
  chain.erase(chain.begin());
  expect_unaccounted(verify(chain, keyring_), 1, "seq 1 missing: no purge entry covers it", 5, 6);
  // Several.
  chain = chain_;
  chain.erase(chain.begin() + 1, chain.begin() + 4);
  expect_unaccounted(verify(chain, keyring_), 2, "seq 2..4 missing: no purge entry covers them", 3, 6);
}

TEST_P(ChainVerifierByAlgorithm, DetectsSwappedEntries) {
  auto chain = chain_;
  std::swap(chain[2], chain[3]);
  // 4 after 2 opens a hole at 3; 3 after 4 goes backwards.
  const auto r = verify(chain, keyring_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 5);
  EXPECT_EQ(r.reason, "seq 5 expected, found 3 after 4 (out of order or repeated)");
  EXPECT_EQ(r.entries, 3);
  EXPECT_EQ(r.last_seq, 4);
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

  EXPECT_EQ(verify(kept, keyring_).reason, "seq 1..3 missing: no purge entry covers them");
  const auto wrong = verify(kept, keyring_, ChainAnchor{4, chain_[1].hash});
  EXPECT_EQ(wrong.first_bad_seq, 4);
  EXPECT_EQ(wrong.reason, "seq 4: prev_hash does not match the chain's start (" + abbreviated_hash(chain_[1].hash) + ")");
}

// What `e911 audit purge` does to a journal, in memory: removes the
// entries whose seq `removed(seq)` picks and appends a journal.purge entry
// listing them (sealed after the last entry as it was before).
template <typename Removed>
std::vector<AuditEntry> purged(const std::vector<AuditEntry>& chain, Removed removed, const Signer& signer,
                               std::size_t max_gaps = kMaxGapsPerPurgeEntry) {
  std::vector<AuditEntry> kept;
  std::vector<RemovedEntry> gone;
  for (const auto& e : chain) {
    if (removed(e.seq)) {
      gone.push_back({e.seq, e.prev_hash, e.hash});
    } else {
      kept.push_back(e);
    }
  }
  PurgeSummary summary;
  summary.removed = static_cast<std::int64_t>(gone.size());
  AuditEntry last = chain.back();
  for (auto& payload : purge_payloads(summary, gaps_of_removed(gone), max_gaps)) {
    last = chain_next(&last, std::string(entry_kind::kPurge), "", last.at + 1, payload, signer);
    kept.push_back(last);
  }
  return kept;
}

// Appends n notification entries.
void extend(std::vector<AuditEntry>& chain, int n, const Signer& signer) {
  for (int i = 0; i < n; ++i) {
    const auto& last = chain.back();
    chain.push_back(chain_next(&last, std::string(entry_kind::kNotification), "c-late", last.at + 1,
                               payload_of(last.seq + 1), signer));
  }
}

TEST_P(ChainVerifierByAlgorithm, AcceptsHolesThatAPurgeEntryAccountsFor) {
  // 2, 4..5 removed: two holes, one purge entry (seq 7) listing both.
  const auto chain = purged(chain_, [](std::int64_t seq) { return seq == 2 || seq == 4 || seq == 5; }, signer_);
  ASSERT_EQ(chain.back().seq, 7);
  EXPECT_EQ(purge_gaps_of(chain.back().payload)->size(), 2u);
  auto r = verify(chain, keyring_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 4);
  EXPECT_EQ(r.purged, 3);
  EXPECT_EQ(r.last_seq, 7);
  EXPECT_EQ(r.last_hash, chain.back().hash);

  // The journal goes on after the purge.
  auto longer = chain;
  extend(longer, 3, signer_);
  r = verify(longer, keyring_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.last_seq, 10);
}

TEST_P(ChainVerifierByAlgorithm, AcceptsAPurgedPrefixAndAPurgedLastEntry) {
  // 1..3 purged: the journal starts at seq 4, with no anchor given.
  auto chain = purged(chain_, [](std::int64_t seq) { return seq <= 3; }, signer_);
  EXPECT_EQ(chain.front().seq, 4);
  auto r = verify(chain, keyring_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.purged, 3);

  // The last entry purged: the purge entry itself stands after the hole.
  chain = purged(chain_, [](std::int64_t seq) { return seq == 6; }, signer_);
  EXPECT_EQ(chain.back().seq, 7);
  EXPECT_EQ(chain.back().prev_hash, chain_.back().hash);
  r = verify(chain, keyring_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.purged, 1);
}

TEST_P(ChainVerifierByAlgorithm, AcceptsAHoleMadeBySeveralPurges) {
  // Purge one removes 3..4; purge two later removes 2 and 5: the journal's
  // hole 2..5 is covered by three gaps from two entries, linked hash to hash.
  auto chain = purged(chain_, [](std::int64_t seq) { return seq == 3 || seq == 4; }, signer_);
  extend(chain, 2, signer_);  // 8, 9
  chain = purged(chain, [](std::int64_t seq) { return seq == 2 || seq == 5; }, signer_);
  const auto r = verify(chain, keyring_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.purged, 4);
  EXPECT_EQ(r.last_seq, 10);

  // A purge written in several parts.
  const auto parts = purged(chain_, [](std::int64_t seq) { return seq % 2 == 0; }, signer_, 1);
  EXPECT_EQ(parts.back().seq, 9);  // three parts: 7, 8, 9
  EXPECT_TRUE(verify(parts, keyring_).ok) << verify(parts, keyring_).reason;
}

TEST_P(ChainVerifierByAlgorithm, DetectsADeletionBesideAPurge) {
  // The purge removed 3..4; someone also deleted 5.
  auto chain = purged(chain_, [](std::int64_t seq) { return seq == 3 || seq == 4; }, signer_);
  chain.erase(std::find_if(chain.begin(), chain.end(), [](const AuditEntry& e) { return e.seq == 5; }));
  auto r = verify(chain, keyring_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 5);
  EXPECT_EQ(r.reason, "seq 5 missing: no purge entry covers it");

  // ... or deleted 1, far from it.
  chain = purged(chain_, [](std::int64_t seq) { return seq == 3 || seq == 4; }, signer_);
  chain.erase(chain.begin());
  r = verify(chain, keyring_);
  EXPECT_EQ(r.first_bad_seq, 1);
  EXPECT_EQ(r.reason, "seq 1 missing: no purge entry covers it");
}

TEST_P(ChainVerifierByAlgorithm, RefusesAPurgeEntryThatDoesNotMatchTheJournal) {
  // Lists entries that are still there.
  auto chain = purged(chain_, [](std::int64_t seq) { return seq == 3; }, signer_);
  chain.insert(chain.begin() + 2, chain_[2]);  // seq 3 back in place
  auto r = verify(chain, keyring_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 7);
  EXPECT_EQ(r.reason, "purge entry seq 7 lists seq 3 as removed, but seq 3 is in the journal");
  EXPECT_EQ(r.entries, 6);

  // Hashes that do not link: signed, but recording another prev_hash.
  chain = chain_;
  chain.erase(chain.begin() + 2, chain.begin() + 4);  // 3..4
  PurgeSummary summary;
  auto gap = PurgeGap{3, 4, chain_[0].hash, chain_[3].hash};
  chain.push_back(chain_next(&chain_.back(), std::string(entry_kind::kPurge), "", kStart + 9000,
                             purge_payloads(summary, {gap}).front(), signer_));
  r = verify(chain, keyring_);
  EXPECT_EQ(r.first_bad_seq, 7);
  EXPECT_EQ(r.reason, "purge entry seq 7: gap 3..4 does not link: its prev_hash is not seq 2's hash");
  gap = PurgeGap{3, 4, chain_[1].hash, chain_[2].hash};
  chain.back() = chain_next(&chain_.back(), std::string(entry_kind::kPurge), "", kStart + 9000,
                            purge_payloads(summary, {gap}).front(), signer_);
  r = verify(chain, keyring_);
  EXPECT_EQ(r.reason, "purge entry seq 7: gap 3..4 does not link: its last_hash is not seq 5's prev_hash");

  // The same seqs listed twice.
  chain = purged(chain_, [](std::int64_t seq) { return seq == 3; }, signer_);
  extend(chain, 1, signer_);
  gap = PurgeGap{3, 3, chain_[1].hash, chain_[2].hash};
  chain.push_back(chain_next(&chain.back(), std::string(entry_kind::kPurge), "", kStart + 9000,
                             purge_payloads(summary, {gap}).front(), signer_));
  r = verify(chain, keyring_);
  EXPECT_EQ(r.first_bad_seq, 9);
  EXPECT_EQ(r.reason, "purge entry seq 9 lists seq 3, which earlier purge entries already account for");
}

TEST_P(ChainVerifierByAlgorithm, RefusesAForgedPurgeEntry) {
  // Entries deleted and a purge entry written by someone without the key.
  const auto mallory = test::signer(GetParam(), "k1", 7);
  const auto chain = purged(chain_, [](std::int64_t seq) { return seq == 3; }, mallory);
  const auto r = verify(chain, keyring_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 7);
  EXPECT_EQ(r.reason, "seq 7: signature invalid for key k1");
}

TEST_P(ChainVerifierByAlgorithm, VerifiesASliceWithThePurgeEntriesAfterIt) {
  // Seqs 2..5 exported; 3 was purged by seq 7, outside the slice.
  auto journal = purged(chain_, [](std::int64_t seq) { return seq == 3; }, signer_);
  const std::vector<AuditEntry> slice(journal.begin() + 1, journal.begin() + 4);  // 2, 4, 5
  const ChainAnchor anchor{2, chain_[0].hash};
  auto r = verify_chain(entries_of(slice), keyring_, anchor, {journal.back()});
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 3);
  EXPECT_EQ(r.purged, 1);
  EXPECT_EQ(r.last_seq, 5);

  // Without it the hole is unaccounted for; a changed one fails on its own.
  EXPECT_EQ(verify_chain(entries_of(slice), keyring_, anchor).reason, "seq 3 missing: no purge entry covers it");
  auto changed = journal.back();
  changed.payload = purge_payloads(PurgeSummary{}, {PurgeGap{3, 3, chain_[1].hash, chain_[1].hash}}).front();
  r = verify_chain(entries_of(slice), keyring_, anchor, {changed});
  EXPECT_EQ(r.first_bad_seq, 7);
  EXPECT_EQ(r.reason.rfind("seq 7: hash does not match its content", 0), 0u) << r.reason;
  // Gaps outside the slice are not looked at.
  const std::vector<AuditEntry> tail(journal.begin() + 3, journal.end() - 1);  // 5, 6
  r = verify_chain(entries_of(tail), keyring_, ChainAnchor{5, chain_[3].hash}, {journal.back()});
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.purged, 0);
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
