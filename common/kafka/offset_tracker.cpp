#include "common/kafka/offset_tracker.h"

#include <algorithm>

namespace e911 {

void OffsetWindow::begin(std::int64_t offset) {
  // Storing the first offset read would only repeat where we already are.
  if (!started_) {
    started_ = true;
    last_reported_ = offset;
  }
  ++in_flight_;
  if (offset > highest_seen_) highest_seen_ = offset;
  if (pending_.empty() || pending_.back().offset < offset) {
    pending_.push_back({offset, false});
    return;
  }
  // Out of order (a seek back): keep the window sorted.
  const auto at = std::lower_bound(pending_.begin(), pending_.end(), offset,
                                   [](const Entry& e, std::int64_t o) { return e.offset < o; });
  if (at != pending_.end() && at->offset == offset) {
    if (at->done) at->done = false;
    else --in_flight_;  // already in flight
    return;
  }
  pending_.insert(at, {offset, false});
}

bool OffsetWindow::done(std::int64_t offset) {
  auto it = pending_.begin();
  if (it == pending_.end()) return false;
  if (it->offset != offset) {
    it = std::lower_bound(pending_.begin(), pending_.end(), offset,
                          [](const Entry& e, std::int64_t o) { return e.offset < o; });
    if (it == pending_.end() || it->offset != offset) return false;
  }
  if (it->done) return false;
  it->done = true;
  --in_flight_;
  while (!pending_.empty() && pending_.front().done) pending_.pop_front();
  return true;
}

std::optional<std::int64_t> OffsetWindow::take_committable() {
  // Everything below the oldest pending offset is done; with nothing
  // pending, everything read so far is.
  const std::int64_t next = pending_.empty() ? highest_seen_ + 1 : pending_.front().offset;
  if (next <= last_reported_ || next <= 0) return std::nullopt;
  last_reported_ = next;
  return next;
}

void OffsetTracker::done(const Partition& p, std::int64_t offset) {
  const auto it = partitions_.find(p);
  if (it != partitions_.end()) it->second.done(offset);
}

std::optional<std::int64_t> OffsetTracker::take_committable(const Partition& p) {
  const auto it = partitions_.find(p);
  if (it == partitions_.end()) return std::nullopt;
  return it->second.take_committable();
}

std::size_t OffsetTracker::in_flight() const {
  std::size_t n = 0;
  for (const auto& [p, w] : partitions_) n += w.in_flight();
  return n;
}

}  // namespace e911
