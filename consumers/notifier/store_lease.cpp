#include "consumers/notifier/store_lease.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>

namespace e911::notifier {

std::string random_owner_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device rd;
  const auto bits = (static_cast<std::uint64_t>(rd()) << 32) | rd();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(bits));
  return (host[0] != '\0' ? std::string(host) + "-" : std::string()) + hex;
}

StoreLease::StoreLease(NotifierStore& store, std::chrono::milliseconds ttl, LeaseFence& fence,
                       LapseHandler on_lapsed, ClaimHandler on_claimed)
    : store_(store), ttl_(ttl), fence_(fence), on_lapsed_(std::move(on_lapsed)), on_claimed_(std::move(on_claimed)) {
  fence_.enable();
}

StoreLease::~StoreLease() { stop(); }

void StoreLease::start() {
  renew();
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  renewing_ = std::thread([this] { every_third_of_ttl(&StoreLease::renew_round); });
  claiming_ = std::thread([this] { every_third_of_ttl(&StoreLease::claim_round); });
}

void StoreLease::stop() {
  if (!renewing_.joinable() && !claiming_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (renewing_.joinable()) renewing_.join();
  if (claiming_.joinable()) claiming_.join();
}

void StoreLease::release() {
  try {
    store_.release_lease();
  } catch (const std::exception& e) {
    log_.warn("notifier store lease not released; it expires by itself", {{"error", e.what()}});
  }
}

void StoreLease::every_third_of_ttl(void (StoreLease::*round)()) {
  // A third of the time to live: two renewals may fail (a slow database)
  // before the lease lapses.
  const auto every = std::max(std::chrono::milliseconds(1), ttl_ / 3);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    (this->*round)();
    lock.lock();
    cv_.wait_for(lock, every, [this] { return stopping_; });
  }
}

// The fence opens only after what may have been claimed meanwhile is
// marked suspect: no worker sends it unchecked.
void StoreLease::renew() {
  const auto renewal = store_.renew_lease(ttl_.count());
  const auto took = std::chrono::steady_clock::now() - renewal.sent_at;
  if (took > ttl_ / 3) {
    log_.warn("notifier store lease renewal slow",
              {{"owner", store_.owner()},
               {"duration_ms", static_cast<std::int64_t>(
                                   std::chrono::duration_cast<std::chrono::milliseconds>(took).count())},
               {"ttl_ms", static_cast<std::int64_t>(ttl_.count())}});
  }
  const bool lapsed = renewal.lapsed || fence_.lapsed_by(renewal.sent_at);
  if (lapsed) {
    log_.warn("notifier store lease had run out; pending alerts are checked before they are sent",
              {{"owner", store_.owner()}});
    on_lapsed_();
  }
  fence_.renewed(renewal.sent_at, ttl_, lapsed);
}

void StoreLease::renew_round() {
  try {
    renew();
  } catch (const std::exception& e) {
    log_.error("notifier store lease: renewal failed; trying again", {{"error", e.what()}});
  }
}

void StoreLease::claim_round() {
  // Only while this instance's own lease holds, and not for one lease time
  // after a lapse: NotifierStore::claim_expired checks both under the
  // lease's lock, where a claim queued behind a renewal sees its outcome.
  try {
    const auto claimed = store_.claim_expired();
    if (claimed.empty()) return;
    log_.warn("claimed the work of notifier instances whose lease expired",
              {{"owner", store_.owner()}, {"alerts", claimed.alerts.size()}, {"calls", claimed.calls.size()},
               {"records", claimed.records}});
    on_claimed_(claimed);
  } catch (const std::exception& e) {
    log_.error("notifier store lease: claim failed; trying again", {{"error", e.what()}});
  }
}

}  // namespace e911::notifier
