#pragma once
// Longest-prefix match over IPv4 and IPv6 prefixes.
//
// The prefixes are flattened once into sorted, disjoint address ranges, each
// carrying the value of the most specific prefix that covers it; a direct
// table over the top bits of the covered span then narrows a lookup to a few
// ranges. A lookup is a bucket read plus a short binary search, with no
// pointer chasing, and memory is two arrays (see docs/benchmarks.md).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/ip_address.h"

namespace e911::registry {

template <typename Key>
class RangeTable {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  struct Entry {
    Key first;
    Key last;
    std::uint32_t value;
  };

  void add(Key first, Key last, std::uint32_t value) { pending_.push_back({first, last, value}); }
  void build();
  std::uint32_t lookup(Key key) const;
  std::size_t prefix_count() const { return prefix_count_; }
  std::size_t range_count() const { return ranges_.size(); }
  std::size_t memory_bytes() const {
    return ranges_.capacity() * sizeof(Range) + buckets_.capacity() * sizeof(std::uint32_t);
  }

 private:
  std::size_t bucket_of(Key key) const;

  // A range runs from `start` to the next range's start; start and value
  // share a cache line, so a lookup touches the bucket and one line.
  struct Range {
    Key start;
    std::uint32_t value;
  };

  std::vector<Entry> pending_;
  std::vector<Range> ranges_;
  std::vector<std::uint32_t> buckets_;  // index of the last range starting at or before the bucket
  Key base_{};                          // first covered address
  int shift_ = 0;
  std::size_t prefix_count_ = 0;
};

class SubnetIndex {
 public:
  static constexpr std::uint32_t kNone = RangeTable<std::uint32_t>::kNone;

  void add(const IpPrefix& prefix, std::uint32_t value);
  // Must be called after the last add() and before lookup().
  void build();
  // Value of the longest prefix containing `address`, or kNone.
  std::uint32_t lookup(const IpAddress& address) const {
    return address.is_v4() ? v4_.lookup(address.v4_bits()) : v6_.lookup(address.bits());
  }
  std::optional<std::uint32_t> find(const IpAddress& address) const {
    const auto v = lookup(address);
    return v == kNone ? std::nullopt : std::optional<std::uint32_t>(v);
  }
  std::size_t memory_bytes() const { return v4_.memory_bytes() + v6_.memory_bytes(); }
  std::size_t prefix_count() const { return v4_.prefix_count() + v6_.prefix_count(); }

 private:
  RangeTable<std::uint32_t> v4_;
  RangeTable<uint128> v6_;
};

}  // namespace e911::registry
