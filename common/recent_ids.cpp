#include "common/recent_ids.h"

namespace e911 {

bool RecentIds::insert(std::string_view id) {
  std::string key(id);
  if (!ids_.insert(key).second) return false;
  order_.push_back(std::move(key));
  if (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace e911
