#pragma once
// Remembers the most recent N event ids, so a redelivered or repeated event
// (CONTRACT.md: a repeated event_id is a duplicate) is handled once. Bounded:
// the oldest id is forgotten first. Kafka redelivery after a crash replays at
// most the uncommitted tail, which a capacity in the hundreds of thousands
// covers many times over.

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>

namespace e911 {

class RecentIds {
 public:
  explicit RecentIds(std::size_t capacity) : capacity_(capacity) {}

  // True if `id` is new (and now remembered); false if it was seen.
  bool insert(std::string_view id);
  bool contains(std::string_view id) const { return ids_.count(std::string(id)) != 0; }
  std::size_t size() const { return ids_.size(); }

 private:
  std::size_t capacity_;
  std::unordered_set<std::string> ids_;
  std::deque<std::string> order_;
};

}  // namespace e911
