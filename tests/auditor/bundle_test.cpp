// Export bundles: written from a store, verified offline (no database),
// whole or for a time range, across purged holes; tampering with any file
// is named.

#include "consumers/auditor/export/audit_bundle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "consumers/auditor/store/retention.h"
#include "tests/auditor/audit_journal_fixture.h"
#include "tests/auditor/audit_test_support.h"

namespace e911::auditor {
namespace {

using test::kJournalNow;

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& l : lines) out << l << "\n";
}

class Bundle : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_audit_store("sqlite:" + dir_.file("audit.db"));
    journal_ = std::make_unique<test::JournalBuilder>(*store_, signer_);
    journal_->four_calls();
  }
  PublicKeys keys() const { return {{"k-es", PublicKeyPem{SigningAlgorithm::es256, signer_.public_key_pem()}}}; }
  std::string out(const std::string& name = "bundle") const { return dir_.file(name); }

  test::TempDir dir_;
  std::unique_ptr<AuditStore> store_;
  Signer signer_ = test::signer(SigningAlgorithm::es256, "k-es");
  Keyring keyring_ = test::keyring_of(signer_);
  std::unique_ptr<test::JournalBuilder> journal_;
};

TEST_F(Bundle, WholeJournalVerifiesOffline) {
  const auto m = write_bundle(*store_, out(), {}, keys(), kJournalNow);
  EXPECT_EQ(m.count, 12);
  EXPECT_EQ(m.first_seq, 1);
  EXPECT_EQ(m.last_seq, 12);
  EXPECT_EQ(m.first_prev_hash, std::string(kGenesisHash));
  EXPECT_EQ(m.last_hash, store_->last_entry()->hash);
  EXPECT_EQ(m.key_ids, std::vector<std::string>{"k-es"});
  ASSERT_EQ(m.public_keys.count("k-es"), 1u);
  EXPECT_EQ(m.purge_count, 0);
  EXPECT_EQ(lines_of(out() + "/entries.jsonl").size(), 12u);
  EXPECT_EQ(m.store, store_->name());

  // The database is not needed.
  store_.reset();
  const auto v = verify_bundle(out(), keyring_);
  EXPECT_TRUE(v.chain.ok) << v.chain.reason;
  EXPECT_EQ(v.chain.entries, 12);
  EXPECT_EQ(v.manifest.last_hash, m.last_hash);
  EXPECT_EQ(manifest_json(v.manifest), manifest_json(m));

  // Entries round-trip exactly.
  const auto line = lines_of(out() + "/entries.jsonl").front();
  const auto entry = entry_from_json_line(line);
  ASSERT_TRUE(entry.ok()) << entry.error().message;
  EXPECT_EQ(entry_json_line(*entry), line);
}

TEST_F(Bundle, TimeRangeIsAContiguousSeqRangeThatVerifiesFromItsAnchor) {
  // old-test's entries (6, 7, 9) were journaled ~100 days ago; seq 8
  // (new-test's, 10 days ago) lies between them and comes along.
  ExportRange range{kJournalNow - 101 * kMillisPerDay, kJournalNow - 99 * kMillisPerDay};
  const auto m = write_bundle(*store_, out(), range, keys(), kJournalNow);
  EXPECT_EQ(m.first_seq, 6);
  EXPECT_EQ(m.last_seq, 9);
  EXPECT_EQ(m.count, 4);
  EXPECT_NE(m.first_prev_hash, std::string(kGenesisHash));
  const auto v = verify_bundle(out(), keyring_);
  EXPECT_TRUE(v.chain.ok) << v.chain.reason;
  EXPECT_EQ(v.chain.last_seq, 9);

  // Nothing in range: an empty bundle, which verifies.
  const auto empty = write_bundle(*store_, out("empty"), {kJournalNow, std::nullopt}, keys(), kJournalNow);
  EXPECT_EQ(empty.count, 0);
  EXPECT_TRUE(verify_bundle(out("empty"), keyring_).chain.ok);
}

TEST_F(Bundle, CarriesThePurgeEntriesThatAccountForItsHoles) {
  PurgeRequest request;
  request.cutoffs = retention_cutoffs(kJournalNow, {2557, 90});
  request.at = kJournalNow;
  const auto purge = purge_expired_calls(*store_, request, signer_);
  ASSERT_EQ(purge.purge_entries.size(), 1u);  // seq 13; 1-2, 5-7, 9 gone
  journal_->notification("new", 2, kJournalNow + 1000);  // seq 14

  // The last ten days: seqs 3..12 (with holes 5-7 and 9), not the purge entry.
  ExportRange range{kJournalNow - 11 * kMillisPerDay, kJournalNow - 9 * kMillisPerDay};
  const auto m = write_bundle(*store_, out(), range, keys(), kJournalNow);
  EXPECT_EQ(m.first_seq, 3);
  EXPECT_EQ(m.last_seq, 12);
  EXPECT_EQ(m.count, 6);  // 3, 4, 8, 10, 11, 12
  EXPECT_EQ(m.purge_count, 1);
  const auto v = verify_bundle(out(), keyring_);
  EXPECT_TRUE(v.chain.ok) << v.chain.reason;
  EXPECT_EQ(v.chain.purged, 4);

  // Without its purge entry the holes are named.
  write_lines(out() + "/purges.jsonl", {});
  EXPECT_EQ(verify_bundle(out(), keyring_).chain.reason, "purges.jsonl: SHA-256 does not match the manifest");
}

TEST_F(Bundle, NamesWhatWasTamperedWith) {
  write_bundle(*store_, out(), {}, keys(), kJournalNow);
  const auto entries = out() + "/entries.jsonl";
  const auto original = lines_of(entries);

  // A changed payload byte.
  auto lines = original;
  const auto at = lines[4].find("delivered");
  ASSERT_NE(at, std::string::npos);
  lines[4][at] = 'D';
  write_lines(entries, lines);
  auto v = verify_bundle(out(), keyring_);
  EXPECT_FALSE(v.chain.ok);
  EXPECT_EQ(v.chain.first_bad_seq, 5);
  EXPECT_EQ(v.chain.reason.rfind("seq 5: hash does not match its content", 0), 0u) << v.chain.reason;

  // A line removed.
  lines = original;
  lines.erase(lines.begin() + 6);
  write_lines(entries, lines);
  v = verify_bundle(out(), keyring_);
  EXPECT_EQ(v.chain.reason, "seq 7 missing: no purge entry covers it");

  // The last line removed: the chain is intact, the manifest says otherwise.
  lines = original;
  lines.pop_back();
  write_lines(entries, lines);
  v = verify_bundle(out(), keyring_);
  EXPECT_FALSE(v.chain.ok);
  EXPECT_EQ(v.chain.reason, "entries.jsonl: SHA-256 does not match the manifest");

  // Not JSON.
  lines = original;
  lines[2] = "{";
  write_lines(entries, lines);
  EXPECT_EQ(verify_bundle(out(), keyring_).chain.reason, "entries.jsonl line 3: not a JSON object");

  // Another key.
  write_lines(entries, original);
  const auto other = test::keyring_of(test::signer(SigningAlgorithm::es256, "k-es", 3));
  EXPECT_EQ(verify_bundle(out(), other).chain.reason, "seq 1: signature invalid for key k-es");
  EXPECT_TRUE(verify_bundle(out(), keyring_).chain.ok);

  // No manifest.
  std::filesystem::remove(out() + "/manifest.json");
  EXPECT_EQ(verify_bundle(out(), keyring_).chain.reason.rfind("cannot open ", 0), 0u);
}

TEST(BundleKeys, NeverCarriesAnHs256Secret) {
  test::TempDir dir;
  auto store = open_audit_store("sqlite:" + dir.file("audit.db"));
  const auto hs = test::signer(SigningAlgorithm::hs256, "k-hs");
  test::JournalBuilder(*store, hs).call("c-1", "emergency", kJournalNow);
  const auto m = write_bundle(*store, dir.file("b"), {}, {}, kJournalNow);
  EXPECT_EQ(m.key_ids, std::vector<std::string>{"k-hs"});
  EXPECT_TRUE(m.public_keys.empty());
  EXPECT_EQ(test::read_file_or_empty(dir.file("b/manifest.json")).find(test::secret(0)), std::string::npos);
  EXPECT_TRUE(verify_bundle(dir.file("b"), test::keyring_of(hs)).chain.ok);
}

TEST(BundleKeys, ReadsPublicKeysFromAKeyringFile) {
  test::TempDir dir;
  const auto es = test::signer(SigningAlgorithm::es256, "k-es");
  dir.write("es.pem", es.public_key_pem());
  dir.write("hs.secret", test::secret(0));
  const auto file = dir.write("keyring", "# keys\nk-es ES256 es.pem\nk-hs HS256 hs.secret\n");
  const auto keys = public_keys_in_keyring_file(file);
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->at("k-es").pem, es.public_key_pem());
  EXPECT_FALSE(public_keys_in_keyring_file(dir.file("none")).ok());
}

}  // namespace
}  // namespace e911::auditor
