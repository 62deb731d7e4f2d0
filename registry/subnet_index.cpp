#include "registry/subnet_index.h"

#include <algorithm>
#include <bit>

namespace e911::registry {
namespace {

template <typename Key>
int bit_length(Key v) {
  int n = 0;
  while (v != 0) {
    v >>= 1;
    ++n;
  }
  return n;
}

}  // namespace

template <typename Key>
void RangeTable<Key>::build() {
  prefix_count_ = pending_.size();
  // Outer prefixes first at equal starts, so nested ones are pushed above them;
  // among identical prefixes the later-added one wins.
  std::stable_sort(pending_.begin(), pending_.end(), [](const Entry& a, const Entry& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.last > b.last;
  });

  ranges_.clear();
  const auto emit = [this](Key start, std::uint32_t value) {
    if (!ranges_.empty() && ranges_.back().start == start) {
      ranges_.back().value = value;
      // Merging may now make it equal to its predecessor.
      if (ranges_.size() >= 2 && ranges_[ranges_.size() - 2].value == value) ranges_.pop_back();
      return;
    }
    if (!ranges_.empty() && ranges_.back().value == value) return;
    ranges_.push_back({start, value});
  };

  emit(Key{0}, kNone);
  std::vector<const Entry*> stack;
  const auto close_until = [&](const Entry* next) {
    while (!stack.empty() && (next == nullptr || stack.back()->last < next->first)) {
      const Entry* done = stack.back();
      stack.pop_back();
      if (done->last != static_cast<Key>(~Key{0})) {  // numeric_limits lacks __int128 in ISO mode
        emit(static_cast<Key>(done->last + 1), stack.empty() ? kNone : stack.back()->value);
      }
    }
  };
  for (const Entry& e : pending_) {
    close_until(&e);
    emit(e.first, e.value);
    stack.push_back(&e);
  }
  close_until(nullptr);
  pending_.clear();
  pending_.shrink_to_fit();
  ranges_.shrink_to_fit();

  // Buckets cover [base_, last start] so a registry clustered in one /32 of
  // IPv6 still spreads over all buckets.
  buckets_.clear();
  base_ = ranges_.size() > 1 ? ranges_[1].start : Key{0};
  const Key span = ranges_.back().start - base_;
  const int bucket_bits = std::clamp(bit_length(ranges_.size()) + 1, 4, 22);
  shift_ = std::max(0, bit_length(span) - bucket_bits);
  const std::size_t bucket_count = static_cast<std::size_t>(span >> shift_) + 1;
  buckets_.resize(bucket_count);
  std::size_t r = 0;
  for (std::size_t b = 0; b < bucket_count; ++b) {
    const Key bucket_start = base_ + (static_cast<Key>(b) << shift_);
    while (r + 1 < ranges_.size() && ranges_[r + 1].start <= bucket_start) ++r;
    buckets_[b] = static_cast<std::uint32_t>(r);
  }
}

template <typename Key>
std::size_t RangeTable<Key>::bucket_of(Key key) const {
  const Key b = (key - base_) >> shift_;
  return b >= static_cast<Key>(buckets_.size()) ? buckets_.size() - 1 : static_cast<std::size_t>(b);
}

template <typename Key>
std::uint32_t RangeTable<Key>::lookup(Key key) const {
  if (ranges_.size() <= 1 || key < base_) return ranges_.empty() ? kNone : ranges_[0].value;
  const std::size_t b = bucket_of(key);
  std::size_t lo = buckets_[b];
  std::size_t hi = b + 1 < buckets_.size() ? buckets_[b + 1] + 1 : ranges_.size();
  // Last range in [lo, hi) whose start <= key; ranges_[lo].start <= key by construction.
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (ranges_[mid].start <= key) lo = mid;
    else hi = mid;
  }
  return ranges_[lo].value;
}

template class RangeTable<std::uint32_t>;
template class RangeTable<uint128>;

void SubnetIndex::add(const IpPrefix& prefix, std::uint32_t value) {
  if (prefix.network().is_v4()) {
    v4_.add(static_cast<std::uint32_t>(prefix.first()), static_cast<std::uint32_t>(prefix.last()), value);
  } else {
    v6_.add(prefix.first(), prefix.last(), value);
  }
}

void SubnetIndex::build() {
  v4_.build();
  v6_.build();
}

}  // namespace e911::registry
