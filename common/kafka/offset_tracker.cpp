#include "common/kafka/offset_tracker.h"

namespace e911 {

void OffsetTracker::begin(const Partition& p, std::int64_t offset) {
  auto [it, inserted] = partitions_.try_emplace(p);
  auto& s = it->second;
  // Storing the first offset read would only repeat where we already are.
  if (inserted) s.last_reported = offset;
  s.pending.insert(offset);
  if (offset > s.highest_seen) s.highest_seen = offset;
}

void OffsetTracker::done(const Partition& p, std::int64_t offset) {
  const auto it = partitions_.find(p);
  if (it != partitions_.end()) it->second.pending.erase(offset);
}

std::optional<std::int64_t> OffsetTracker::take_committable(const Partition& p) {
  const auto it = partitions_.find(p);
  if (it == partitions_.end()) return std::nullopt;
  auto& s = it->second;
  // Everything below the oldest pending offset is done; with nothing
  // pending, everything read so far is.
  const std::int64_t next = s.pending.empty() ? s.highest_seen + 1 : *s.pending.begin();
  if (next <= s.last_reported || next <= 0) return std::nullopt;
  s.last_reported = next;
  return next;
}

std::size_t OffsetTracker::in_flight() const {
  std::size_t n = 0;
  for (const auto& [p, s] : partitions_) n += s.pending.size();
  return n;
}

}  // namespace e911
