#pragma once
// Remembers the most recent N event ids, so a redelivered or repeated event
// (CONTRACT.md: a repeated event_id is a duplicate) is handled once. Bounded:
// the oldest id is forgotten first. Kafka redelivery after a crash replays at
// most the uncommitted tail, which a capacity in the hundreds of thousands
// covers many times over.
//
// Ids are kept as 128-bit fingerprints (two independent 64-bit hashes) in an
// open-addressing table plus a ring for the eviction order: 48 bytes per id
// and no allocation per event, which matters at a million ids and hundreds
// of thousands of events per second. Two different ids share a fingerprint
// with probability about n^2 / 2^129 (below 10^-26 for a million ids), so a
// new event is never taken for a duplicate in practice.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace e911 {

class RecentIds {
 public:
  explicit RecentIds(std::size_t capacity);

  // True if `id` is new (and now remembered); false if it was seen.
  bool insert(std::string_view id);
  bool contains(std::string_view id) const;
  std::size_t size() const { return count_; }
  std::size_t capacity() const { return ring_.size(); }

 private:
  struct Fingerprint {
    std::uint64_t a = 0;  // 0 marks an empty slot (a real fingerprint is never 0)
    std::uint64_t b = 0;
    friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
  };
  static Fingerprint fingerprint(std::string_view id);
  // The slot holding `fp`, or the empty slot where it would go.
  std::size_t find_slot(const Fingerprint& fp) const;
  void erase(const Fingerprint& fp);

  std::vector<Fingerprint> table_;  // power-of-two size, at most half full
  std::size_t mask_ = 0;
  std::vector<Fingerprint> ring_;   // insertion order, oldest at head_
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace e911
