#include "consumers/auditor/journal/hash_chain.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "consumers/auditor/journal/canonical_json.h"
#include "tests/auditor/audit_test_support.h"

namespace e911::auditor {
namespace {

AuditEntry sample() {
  AuditEntry e;
  e.seq = 3;
  e.kind = std::string(entry_kind::kNotification);
  e.call_id = "c-1";
  e.at = *parse_rfc3339("2026-11-21T10:00:02.250Z");
  e.payload = R"({"a":1,"b":"é"})";
  e.prev_hash = std::string(64, 'a');
  e.key_id = "k1";
  return e;
}

TEST(HashChain, SigningInputIsTheCanonicalJsonOfTheEntry) {
  const auto e = sample();
  const auto input = entry_signing_input(e);
  EXPECT_EQ(input, R"({"at":"2026-11-21T10:00:02.250Z","call_id":"c-1","key_id":"k1","kind":"notification",)"
                   R"("payload":{"a":1,"b":"é"},"prev_hash":")" +
                       std::string(64, 'a') + R"(","seq":3})");
  EXPECT_EQ(*canonical_json(input), input);
  // Strings are escaped; the input stays canonical.
  auto odd = e;
  odd.call_id = "c\"1\n\\";
  odd.kind = "k\xC3\xA9";
  odd.payload = "[]";
  odd.seq = 9007199254740991;
  const auto odd_input = entry_signing_input(odd);
  EXPECT_NE(odd_input.find(R"("call_id":"c\"1\n\\")"), std::string::npos) << odd_input;
  EXPECT_EQ(*canonical_json(odd_input), odd_input);
}

TEST(HashChain, HashIsSha256OfTheSigningInput) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto e = sample();
  EXPECT_EQ(entry_hash(e), sha256_hex(entry_signing_input(e)));
  EXPECT_EQ(entry_hash(e).size(), 64u);

  // Every field but the hash and the signature is covered.
  const auto h = entry_hash(e);
  const auto changed = [&](auto change) {
    auto x = e;
    change(x);
    return entry_hash(x) != h;
  };
  EXPECT_TRUE(changed([](AuditEntry& x) { x.seq = 4; }));
  EXPECT_TRUE(changed([](AuditEntry& x) { x.kind = "journal.purge"; }));
  EXPECT_TRUE(changed([](AuditEntry& x) { x.call_id = "c-2"; }));
  EXPECT_TRUE(changed([](AuditEntry& x) { x.at += 1; }));
  EXPECT_TRUE(changed([](AuditEntry& x) { x.payload = R"({"a":2,"b":"é"})"; }));
  EXPECT_TRUE(changed([](AuditEntry& x) { x.prev_hash[63] = 'b'; }));
  EXPECT_TRUE(changed([](AuditEntry& x) { x.key_id = "k2"; }));
  EXPECT_FALSE(changed([](AuditEntry& x) { x.hash = "x"; }));
  EXPECT_FALSE(changed([](AuditEntry& x) { x.signature = "x"; }));
  // Moving text between fields changes the hash.
  EXPECT_TRUE(changed([](AuditEntry& x) {
    x.kind = "notificationc";
    x.call_id = "-1";
  }));
}

TEST(HashChain, ChainNextLinksHashesAndSigns) {
  const auto s = test::signer(SigningAlgorithm::es256, "k-2025");
  const auto keyring = test::keyring_of(s);
  const auto first = chain_next(nullptr, std::string(entry_kind::kCallRecorded), "c-1", 1000,
                                R"( { "dialed" : "911", "caller" : { "ext" : "7276" } } )", s);
  EXPECT_EQ(first.seq, 1);
  EXPECT_EQ(first.prev_hash, kGenesisHash);
  EXPECT_EQ(first.kind, "call.recorded");
  EXPECT_EQ(first.call_id, "c-1");
  EXPECT_EQ(first.at, 1000);
  EXPECT_EQ(first.payload, R"({"caller":{"ext":"7276"},"dialed":"911"})");  // canonicalized
  EXPECT_EQ(first.key_id, "k-2025");
  EXPECT_EQ(first.hash, entry_hash(first));
  EXPECT_TRUE(keyring.verify(first).ok());

  const auto second = chain_next(&first, std::string(entry_kind::kLocationConveyed), "c-1", 1001, "{}", s);
  EXPECT_EQ(second.seq, 2);
  EXPECT_EQ(second.prev_hash, first.hash);
  EXPECT_EQ(second.hash, entry_hash(second));
  EXPECT_NE(second.hash, first.hash);
  EXPECT_TRUE(keyring.verify(second).ok());

  EXPECT_THROW(chain_next(&second, "notification", "c-1", 1002, "{not json", s), std::invalid_argument);
  EXPECT_THROW(chain_next(&second, "notification", "c-1", 1002, "", s), std::invalid_argument);
  EXPECT_THROW(chain_next(&second, "notification", "c-1", 1002, R"({"n":1.5})", s), std::invalid_argument);
}

TEST(HashChain, AbbreviatesHashesForMessages) {
  EXPECT_EQ(abbreviated_hash(std::string(kGenesisHash)), "000000000000...");
  EXPECT_EQ(abbreviated_hash("9f3e"), "9f3e");
  EXPECT_EQ(abbreviated_hash(""), "\"\"");
  EXPECT_EQ(abbreviated_hash("zz\n"), "\"zz\\n\"");
}

}  // namespace
}  // namespace e911::auditor
