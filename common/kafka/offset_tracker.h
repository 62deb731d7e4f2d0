#pragma once
// At-least-once bookkeeping for a consumer whose work finishes out of order
// (e.g. an output message acknowledged by Kafka later than the next input
// was read). Per partition it knows which offsets are still in flight and
// yields the offset that may be stored: one past the highest offset below
// which everything is done. Pure; the caller serialises access.
//
// OffsetWindow is one partition's, and what the consumer keeps per
// assigned partition (no lookup by name per message); OffsetTracker is a
// set of them by (topic, partition).

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace e911 {

class OffsetWindow {
 public:
  // An offset was read and its work started. Offsets normally come in
  // increasing order (the consumer's); an older one (a seek back) is
  // taken too.
  void begin(std::int64_t offset);
  // Its work is durable (output acknowledged, or nothing to output). True
  // if it was in flight.
  bool done(std::int64_t offset);
  // Offset to store (next to read after a restart), if it advanced since
  // the last call.
  std::optional<std::int64_t> take_committable();
  std::size_t in_flight() const { return in_flight_; }

 private:
  struct Entry {
    std::int64_t offset;
    bool done;
  };
  std::deque<Entry> pending_;  // increasing offsets; done ones wait for those before them
  std::size_t in_flight_ = 0;
  std::int64_t highest_seen_ = -1;
  std::int64_t last_reported_ = -1;
  bool started_ = false;
};

class OffsetTracker {
 public:
  using Partition = std::pair<std::string, std::int32_t>;  // topic, partition

  void begin(const Partition& p, std::int64_t offset) { partitions_[p].begin(offset); }
  void done(const Partition& p, std::int64_t offset);
  std::optional<std::int64_t> take_committable(const Partition& p);
  // Partitions revoked: forget them.
  void forget(const Partition& p) { partitions_.erase(p); }
  std::size_t in_flight() const;

 private:
  std::map<Partition, OffsetWindow> partitions_;
};

}  // namespace e911
