#pragma once
// Verifies the journal's hash chain and signatures on a schedule inside the
// auditor (what `e911 audit verify` does, on the store the auditor writes),
// and exports the outcome, so a broken chain, or one nobody has verified
// for a long time, pages (ops/monitoring/rules.yaml):
//
//   e911_auditor_chain_verifications_total{result="verified|broken|error"}
//   e911_auditor_chain_broken                      1 while the last verification found a bad entry
//   e911_auditor_chain_last_verification_timestamp_seconds             any result but error
//   e911_auditor_chain_last_successful_verification_timestamp_seconds  0 until one verified
//   e911_auditor_chain_verified_entries            entries the last successful verification read
//
// "broken" is only said after a second verification at once agrees: a
// first one that raced a retention purge (which removes entries and signs
// the purge entry in one transaction, so a reader sees both or neither,
// but pages are read one by one) is not a tampered journal. "error": the
// store could not be read (the auditor's own store alerts cover that).
//
// Its own store connection (AuditStoreOpener), on its own thread, so a
// verification of months of entries never holds up journaling.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "common/log.h"
#include "common/observability/metrics_registry.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/journal/entry_signer.h"
#include "consumers/auditor/store/audit_store.h"

namespace e911::auditor {

struct ChainWatchOptions {
  std::chrono::seconds interval{3600};  // between verifications; the first at start
  Keyring keyring;                      // what verifies the entries (the signer's key + auditor.keyring)
};

enum class ChainCheckResult { verified, broken, error, stopped };

struct ChainCheck {
  ChainCheckResult result = ChainCheckResult::error;
  VerifyResult chain;  // verified, broken
  std::string error;   // error: why the store could not be read
};

class ChainWatch {
 public:
  ChainWatch(ChainWatchOptions options, AuditStoreOpener open_store, observability::MetricsRegistry& metrics,
             const Logger& log);

  // Verifies now, then every interval, until stop() (on this thread).
  void run();
  // Ends run() and any verification in progress (not counted). Thread-safe.
  void stop();

  // One verification now, recorded in the metrics (run() calls it).
  ChainCheck verify_once();

 private:
  ChainCheck verify_pass();

  ChainWatchOptions options_;
  AuditStoreOpener open_store_;
  const Logger& log_;
  prometheus::Family<prometheus::Counter>& verifications_;
  prometheus::Gauge& broken_;
  prometheus::Gauge& last_verification_;
  prometheus::Gauge& last_success_;
  prometheus::Gauge& verified_entries_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
};

}  // namespace e911::auditor
