#pragma once
// At-least-once bookkeeping for a consumer whose work finishes out of order
// (e.g. an output message acknowledged by Kafka later than the next input
// was read). Per partition it knows which offsets are still in flight and
// yields the offset that may be stored: one past the highest offset below
// which everything is done. Pure; the caller serialises access.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace e911 {

class OffsetTracker {
 public:
  using Partition = std::pair<std::string, std::int32_t>;  // topic, partition

  // An offset was read and its work started.
  void begin(const Partition& p, std::int64_t offset);
  // Its work is durable (output acknowledged, or nothing to output).
  void done(const Partition& p, std::int64_t offset);
  // Offset to store for `p` (next to read after a restart), if it advanced
  // since the last call.
  std::optional<std::int64_t> take_committable(const Partition& p);
  // Partitions revoked: forget them.
  void forget(const Partition& p) { partitions_.erase(p); }
  std::size_t in_flight() const;

 private:
  struct State {
    std::set<std::int64_t> pending;
    std::int64_t highest_seen = -1;
    std::int64_t last_reported = -1;
  };
  std::map<Partition, State> partitions_;
};

}  // namespace e911
