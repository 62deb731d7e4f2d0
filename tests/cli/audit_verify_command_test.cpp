// `e911 audit verify`, `e911 audit export` and `e911 audit purge`, run as
// the binary against a SQLite journal.

#include <gtest/gtest.h>

#include <string>

#include "consumers/auditor/store/audit_store.h"
#include "tests/auditor/audit_journal_fixture.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/support/files.h"
#include "tests/support/postgres_server.h"

namespace e911 {
namespace {

using auditor::test::TempDir;

class AuditJournalCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    store_url_ = "sqlite:" + dir_.file("audit.db");
    const auto secret = dir_.write("secret", auditor::test::secret(0) + "\n");
    config_ = dir_.write("e911.yaml", "auditor:\n  store: " + store_url_ +
                                          "\n  signing: {key_id: k-1, secret: {file: " + secret +
                                          "}}\n  retention: {emergency_days: 2557, test_days: 90}\n");
    auto store = auditor::open_audit_store(store_url_);
    auditor::test::JournalBuilder(*store, auditor::test::signer(auditor::SigningAlgorithm::hs256, "k-1")).four_calls();
  }

  test::CommandResult e911(const std::string& args) { return test::run_e911(args); }

  TempDir dir_;
  std::string store_url_;
  std::string config_;
};

TEST_F(AuditJournalCommands, VerifyPrintsTheHeadOrTheFirstBadEntry) {
  auto r = e911("audit verify --config " + config_);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(": ok, 12 entries verified\nhead: seq 12 "), std::string::npos) << r.out;

  r = e911("audit verify --json --config " + config_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(R"("ok":true)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(R"("last_seq":12)"), std::string::npos) << r.out;

  // An entry deleted behind the store's back.
  if (test::run_command({"sqlite3", "-version"}).exit_code != 0) GTEST_SKIP() << "no sqlite3 command";
  const auto del = test::run_command(
      {"sqlite3", dir_.file("audit.db"), "DROP TRIGGER audit_entries_no_delete; DELETE FROM audit_entries WHERE seq = 4;"});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  r = e911("audit verify --config " + config_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("FAILED: seq 4 missing: no purge entry covers it"), std::string::npos) << r.out;
}

TEST_F(AuditJournalCommands, PurgeThenVerifyAcrossIt) {
  auto r = e911("audit purge --config " + config_ + " --before-now --dry-run");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("would remove 2 calls (6 journal entries in 3 seq runs, 2 alert rows)"), std::string::npos)
      << r.out;
  EXPECT_EQ(auditor::open_audit_store(store_url_)->count(), 12);

  r = e911("audit purge --config " + config_ + " --before-now --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(R"("calls":2)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(R"("purge_seqs":[13])"), std::string::npos) << r.out;

  r = e911("audit verify --config " + config_);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ok, 7 entries verified (6 purged seqs accounted for by purge entries)"), std::string::npos)
      << r.out;

  EXPECT_EQ(e911("audit purge --config " + config_).exit_code, 2) << "--before-now is required";
}

TEST_F(AuditJournalCommands, ExportsABundleThatVerifiesWithoutTheStore) {
  const auto out = dir_.file("bundle");
  auto r = e911("audit export --config " + config_ + " --out " + out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote 12 entries (seq 1..12)"), std::string::npos) << r.out;

  const auto keyring = dir_.write("keyring", "k-1 HS256 secret\n");
  r = e911("audit verify --bundle " + out + " --keyring " + keyring);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ok, 12 entries verified"), std::string::npos) << r.out;

  // A range.
  r = e911("audit export --config " + config_ + " --out " + dir_.file("range") +
           " --from 2026-08-12T00:00:00Z --to 2026-08-14T00:00:00Z");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(seq 6..9)"), std::string::npos) << r.out;
  EXPECT_EQ(e911("audit verify --bundle " + dir_.file("range") + " --config " + config_).exit_code, 0);

  // i3 LogEvents: two per call (start, location), one per notification.
  r = e911("audit export --config " + config_ + " --out " + dir_.file("i3") + " --format i3 --agency-id psap.example");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote 12 LogEvents"), std::string::npos) << r.out;
  EXPECT_EQ(test::read_lines(dir_.file("i3/log-events.jws")).size(), 12u);

  // Another key verifies nothing.
  const auto other = dir_.write("other-secret", auditor::test::secret(4));
  const auto wrong = dir_.write("wrong-keyring", "k-1 HS256 " + other + "\n");
  r = e911("audit verify --bundle " + out + " --keyring " + wrong);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("FAILED: seq 1: signature invalid for key k-1"), std::string::npos) << r.out;
}

TEST_F(AuditJournalCommands, UsageErrors) {
  EXPECT_EQ(e911("audit verify --help").exit_code, 0);
  EXPECT_EQ(e911("audit export --help").exit_code, 0);
  EXPECT_EQ(e911("audit purge --help").exit_code, 0);
  EXPECT_EQ(e911("audit verify --bundle " + dir_.file("x")).exit_code, 2) << "no keys";
  EXPECT_EQ(e911("audit export --config " + config_).exit_code, 2) << "no --out";
  EXPECT_EQ(e911("audit export --config " + config_ + " --out x --format pdf").exit_code, 2);
  EXPECT_EQ(e911("audit export --config " + config_ + " --out x --from yesterday").exit_code, 2);
  EXPECT_EQ(e911("audit verify --config " + config_ + " --frobnicate").exit_code, 2);
}

}  // namespace
}  // namespace e911
