#include "consumers/auditor/chain_watch.h"

#include <stdexcept>
#include <utility>

namespace e911::auditor {

namespace {

double unix_seconds_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const char* result_label(ChainCheckResult r) {
  switch (r) {
    case ChainCheckResult::verified: return "verified";
    case ChainCheckResult::broken: return "broken";
    case ChainCheckResult::error: return "error";
    case ChainCheckResult::stopped: return "stopped";
  }
  return "error";
}

}  // namespace

ChainWatch::ChainWatch(ChainWatchOptions options, AuditStoreOpener open_store,
                       observability::MetricsRegistry& metrics, const Logger& log)
    : options_(std::move(options)),
      open_store_(std::move(open_store)),
      log_(log),
      verifications_(metrics.counter("auditor", "chain_verifications",
                                     "Verifications of the journal's hash chain and signatures, by result.")),
      broken_(metrics.gauge("auditor", "chain_broken", "1 while the last verification found a bad entry.").Add({})),
      last_verification_(metrics
                             .gauge("auditor", "chain_last_verification_timestamp_seconds",
                                    "When the last verification that read the whole journal ended (Unix time).")
                             .Add({})),
      last_success_(metrics
                        .gauge("auditor", "chain_last_successful_verification_timestamp_seconds",
                               "When a verification last found the whole journal intact (Unix time); 0: not yet.")
                        .Add({})),
      verified_entries_(metrics
                            .gauge("auditor", "chain_verified_entries",
                                   "Entries the last successful verification checked.")
                            .Add({})) {
  if (!open_store_) throw std::invalid_argument("the chain watch needs a way to open the store");
  // Every series at 0 from start-up (increase() sees the first failure).
  for (const auto r : {ChainCheckResult::verified, ChainCheckResult::broken, ChainCheckResult::error})
    verifications_.Add({{"result", result_label(r)}});
}

void ChainWatch::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_.store(true);
  }
  cv_.notify_all();
}

void ChainWatch::run() {
  while (!stopping_.load()) {
    verify_once();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.interval, [&] { return stopping_.load(); });
  }
}

ChainCheck ChainWatch::verify_pass() {
  ChainCheck check;
  try {
    auto store = open_store_();
    auto entries = entries_from(*store);
    // Ends the walk early when stopping; the result is then not counted.
    const EntrySource source = [&](AuditEntry& out) { return !stopping_.load() && entries(out); };
    check.chain = verify_chain(source, options_.keyring);
    if (stopping_.load()) check.result = ChainCheckResult::stopped;
    else check.result = check.chain.ok ? ChainCheckResult::verified : ChainCheckResult::broken;
  } catch (const std::exception& e) {
    check.result = ChainCheckResult::error;
    check.error = e.what();
  }
  return check;
}

ChainCheck ChainWatch::verify_once() {
  auto check = verify_pass();
  // A purge between two pages can look like a hole: a broken chain is
  // said only when a second pass agrees.
  if (check.result == ChainCheckResult::broken) {
    log_.warn("audit chain verification failed; verifying again",
              {{"first_bad_seq", check.chain.first_bad_seq}, {"reason", check.chain.reason}});
    check = verify_pass();
  }
  if (check.result == ChainCheckResult::stopped) return check;
  verifications_.Add({{"result", result_label(check.result)}}).Increment();
  switch (check.result) {
    case ChainCheckResult::verified:
      broken_.Set(0);
      last_verification_.Set(unix_seconds_now());
      last_success_.Set(unix_seconds_now());
      verified_entries_.Set(static_cast<double>(check.chain.entries));
      log_.info("audit chain verified", {{"entries", check.chain.entries},
                                         {"last_seq", check.chain.last_seq},
                                         {"last_hash", check.chain.last_hash},
                                         {"purged", check.chain.purged}});
      break;
    case ChainCheckResult::broken:
      broken_.Set(1);
      last_verification_.Set(unix_seconds_now());
      log_.error("audit chain broken", {{"first_bad_seq", check.chain.first_bad_seq},
                                        {"reason", check.chain.reason},
                                        {"entries_verified", check.chain.entries}});
      break;
    case ChainCheckResult::error:
      log_.warn("audit chain not verified: the store could not be read", {{"error", check.error}});
      break;
    case ChainCheckResult::stopped: break;
  }
  return check;
}

}  // namespace e911::auditor
