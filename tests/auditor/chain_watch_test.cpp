// The auditor's scheduled verification (chain_watch.h) on real stores: an
// intact journal is verified and says so in its metrics; one changed behind
// the store's back is reported broken (and stays so); an unreadable store
// is an error, not a broken chain; run() verifies at once and stop() ends
// it.
#include "consumers/auditor/chain_watch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "consumers/auditor/journal/hash_chain.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/support/wait.h"

namespace e911::auditor {
namespace {

constexpr EpochMillis kWatchedFrom = 1795255200000;  // 2026-11-21T10:00:00Z

std::vector<AuditEntry> watched_journal(int n, const Signer& signer) {
  std::vector<AuditEntry> out;
  for (int i = 1; i <= n; ++i) {
    out.push_back(chain_next(out.empty() ? nullptr : &out.back(), std::string(entry_kind::kNotification),
                             "c-" + std::to_string(i), kWatchedFrom + i * 250,
                             R"({"n":)" + std::to_string(i) + R"(,"status":"delivered"})", signer));
  }
  return out;
}

// The value of one series in a scrape ("name{labels}" or "name"); -1 if absent.
double series_in(const observability::MetricsRegistry& metrics, const std::string& name) {
  const auto text = metrics.scrape_text();
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

class ChainWatchTest : public test::StoreTest {
 protected:
  void SetUpStore() override { open_audit_store(url_)->append(watched_journal(6, signer_), {}); }

  ChainWatch watch(AuditStoreOpener opener = {}) {
    if (!opener) opener = [this] { return open_audit_store(url_); };
    return ChainWatch({std::chrono::seconds(3600), keyring_}, std::move(opener), metrics_, log_);
  }
  double verifications(const char* result) {
    return series_in(metrics_, std::string("e911_auditor_chain_verifications_total{result=\"") + result + "\"}");
  }

  Signer signer_ = test::signer(SigningAlgorithm::hs256, "k-2026");
  Keyring keyring_ = test::keyring_of(signer_);
  observability::MetricsRegistry metrics_;
  Logger log_{"auditor"};
};

INSTANTIATE_TEST_SUITE_P(Stores, ChainWatchTest, test::kBothStores, test::backend_name);

TEST_P(ChainWatchTest, EverySeriesIsThereAtZeroBeforeTheFirstVerification) {
  auto w = watch();
  for (const char* result : {"verified", "broken", "error"}) EXPECT_EQ(verifications(result), 0) << result;
  EXPECT_EQ(series_in(metrics_, "e911_auditor_chain_broken"), 0);
  EXPECT_EQ(series_in(metrics_, "e911_auditor_chain_last_successful_verification_timestamp_seconds"), 0);
  EXPECT_EQ(series_in(metrics_, "e911_auditor_chain_verified_entries"), 0);
}

TEST_P(ChainWatchTest, AnIntactJournalIsVerifiedAndTheMetricsSaySo) {
  auto w = watch();
  const double before = static_cast<double>(std::time(nullptr));
  const auto check = w.verify_once();
  EXPECT_EQ(check.result, ChainCheckResult::verified) << check.chain.reason << check.error;
  EXPECT_EQ(check.chain.entries, 6);
  EXPECT_EQ(verifications("verified"), 1);
  EXPECT_EQ(verifications("broken"), 0);
  EXPECT_EQ(series_in(metrics_, "e911_auditor_chain_broken"), 0);
  EXPECT_EQ(series_in(metrics_, "e911_auditor_chain_verified_entries"), 6);
  EXPECT_GE(series_in(metrics_, "e911_auditor_chain_last_successful_verification_timestamp_seconds"), before);
  EXPECT_GE(series_in(metrics_, "e911_auditor_chain_last_verification_timestamp_seconds"), before);
}

TEST_P(ChainWatchTest, AnEntryChangedBehindTheStoresBackIsReportedBrokenUntilRepaired) {
  if (!have_client()) GTEST_SKIP() << "no sqlite3 command (Debian package sqlite3)";
  auto w = watch();
  ASSERT_EQ(w.verify_once().result, ChainCheckResult::verified);
  const double verified_at = series_in(metrics_, "e911_auditor_chain_last_successful_verification_timestamp_seconds");

  const std::string change = R"(UPDATE audit_entries SET payload = replace(payload, '"n":4,', '"n":9,') WHERE seq = 4;)";
  if (postgres()) {
    client("ALTER TABLE audit_entries DISABLE TRIGGER ALL; " + change + " ALTER TABLE audit_entries ENABLE TRIGGER ALL;");
  } else {
    client("DROP TRIGGER audit_entries_no_update; " + change);
  }
  for (int round = 1; round <= 2; ++round) {
    const auto check = w.verify_once();
    EXPECT_EQ(check.result, ChainCheckResult::broken);
    EXPECT_EQ(check.chain.first_bad_seq, 4);
    EXPECT_EQ(verifications("broken"), round);
    EXPECT_EQ(series_in(metrics_, "e911_auditor_chain_broken"), 1);
  }
  EXPECT_EQ(verifications("verified"), 1);
  // The last success stays where it was: "not verified for N hours" keeps counting.
  EXPECT_EQ(series_in(metrics_, "e911_auditor_chain_last_successful_verification_timestamp_seconds"), verified_at);
}

TEST_P(ChainWatchTest, AStoreThatCannotBeReadIsAnErrorNotABrokenChain) {
  std::atomic<bool> down{true};
  auto w = watch([&]() -> std::unique_ptr<AuditStore> {
    if (down) throw std::runtime_error("audit store sqlite:/nowhere: unable to open database file");
    return open_audit_store(url_);
  });
  const auto check = w.verify_once();
  EXPECT_EQ(check.result, ChainCheckResult::error);
  EXPECT_NE(check.error.find("unable to open"), std::string::npos) << check.error;
  EXPECT_EQ(verifications("error"), 1);
  EXPECT_EQ(verifications("broken"), 0);
  EXPECT_EQ(series_in(metrics_, "e911_auditor_chain_broken"), 0);
  EXPECT_EQ(series_in(metrics_, "e911_auditor_chain_last_verification_timestamp_seconds"), 0);

  down = false;
  EXPECT_EQ(w.verify_once().result, ChainCheckResult::verified);
}

TEST_P(ChainWatchTest, RunVerifiesAtOnceAndStopEndsIt) {
  auto w = watch();
  std::thread running([&] { w.run(); });
  // The first verification does not wait for the hour's interval.
  EXPECT_TRUE(test::wait_until([&] { return verifications("verified") == 1; }));
  w.stop();
  running.join();
  EXPECT_EQ(verifications("verified"), 1);
}

}  // namespace
}  // namespace e911::auditor
