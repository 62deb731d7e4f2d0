#include "common/recent_ids.h"

#include <functional>

namespace e911 {

namespace {

// FNV-1a, independent of std::hash (MurmurHash2 in libstdc++).
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

RecentIds::RecentIds(std::size_t capacity) : ring_(capacity) {
  std::size_t size = 16;
  while (size < capacity * 2) size <<= 1;
  table_.resize(size);
  mask_ = size - 1;
}

RecentIds::Fingerprint RecentIds::fingerprint(std::string_view id) {
  Fingerprint fp{std::hash<std::string_view>{}(id), fnv1a(id)};
  if (fp.a == 0) fp.a = 1;
  return fp;
}

std::size_t RecentIds::find_slot(const Fingerprint& fp) const {
  std::size_t i = fp.a & mask_;
  while (table_[i].a != 0 && !(table_[i] == fp)) i = (i + 1) & mask_;
  return i;
}

bool RecentIds::contains(std::string_view id) const { return table_[find_slot(fingerprint(id))].a != 0; }

bool RecentIds::insert(std::string_view id) {
  if (ring_.empty()) return true;  // remembers nothing
  const auto fp = fingerprint(id);
  const auto slot = find_slot(fp);
  if (table_[slot].a != 0) return false;
  table_[slot] = fp;
  if (count_ == ring_.size()) {
    erase(ring_[head_]);
    ring_[head_] = fp;
    head_ = (head_ + 1) % ring_.size();
  } else {
    ring_[(head_ + count_) % ring_.size()] = fp;
    ++count_;
  }
  return true;
}

// Linear probing with backward-shift deletion: no tombstones, so lookups
// stay short however long the process runs.
void RecentIds::erase(const Fingerprint& fp) {
  std::size_t hole = find_slot(fp);
  if (table_[hole].a == 0) return;
  std::size_t next = hole;
  for (;;) {
    next = (next + 1) & mask_;
    if (table_[next].a == 0) break;
    const std::size_t home = table_[next].a & mask_;
    // Move the entry back into the hole unless its home lies cyclically in (hole, next].
    const bool home_between = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (!home_between) {
      table_[hole] = table_[next];
      hole = next;
    }
  }
  table_[hole] = Fingerprint{};
}

}  // namespace e911
