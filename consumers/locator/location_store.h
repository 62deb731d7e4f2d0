#pragma once
// Registered locations per user: the latest location update wins. Rebuilt
// from the compacted e911.location-updates topic on start and rebalance.
//
// Sized for a million users: an entry keeps only what resolution needs,
// the address packed into one string.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/civic_address.h"
#include "common/events.h"

namespace e911::locator {

struct Registration {
  EpochMillis occurred_at = 0;
  CivicAddress address;
  std::optional<IpAddress> network_ip;
  std::optional<MacAddress> network_bssid;
  bool validated = false;
};

class LocationStore {
 public:
  // Applies an update unless the stored one is newer (out-of-order
  // redelivery must not roll a user back to an old address).
  // Returns true if it was applied.
  bool apply(const LocationUpdate& update);
  std::optional<Registration> find(std::string_view user_id) const;
  // A tombstone on the compacted topic: the user withdrew the registration.
  // Returns true if there was one.
  bool remove(std::string_view user_id);
  std::size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    EpochMillis occurred_at = 0;
    std::string packed_address;  // "<field index><value>\0..." for set fields
    std::optional<IpAddress> network_ip;
    std::optional<MacAddress> network_bssid;
    bool validated = false;
    bool multi_dwelling = false;
  };

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace e911::locator
