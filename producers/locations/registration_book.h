#pragma once
// Every user's current registration, as the location service knows it:
// rebuilt from the compacted e911.location-updates topic at start, kept
// current from it (other replicas' registrations, admin imports), and
// updated at once with the service's own once Kafka acknowledged them.
// Beside it, per user, what the service learnt from the user's clients:
// the network they last reported and when the user was last reminded.
//
// Threads: every member may be called from any thread.

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/events.h"
#include "producers/locations/registration_status.h"

namespace e911::locations {

struct UserRecord {
  std::string user_id;
  std::optional<LocationUpdate> registration{};  // none: the user only asked
  SeenNetwork last_seen{};                     // the last network their client reported (or a call came from)
  EpochMillis last_seen_at = 0;                // when; 0: never
  EpochMillis asked_at = 0;                    // the last time their client asked (or they called); 0: never
  EpochMillis last_reminded_at = 0;            // 0: never
};

class RegistrationBook {
 public:
  // Applies an update unless the stored one is newer (a redelivered old
  // update must not roll a user back). True if applied.
  bool apply(const LocationUpdate& update);
  // A tombstone: the registration is withdrawn. True if there was one.
  bool remove(std::string_view user_id);
  std::optional<LocationUpdate> registration(std::string_view user_id) const;
  // Where a user was seen at `at`: what their client reported (the page, a
  // softphone's status check), the network of a call they made, or a
  // sighting another replica recorded. Only a later sighting replaces an
  // earlier one; an empty one only makes the user known.
  void note_seen(std::string_view user_id, const SeenNetwork& seen, EpochMillis at);
  // A reminder sent at `at` (the latest one counts, whatever the order).
  void note_reminded(std::string_view user_id, EpochMillis at);
  std::optional<UserRecord> find(std::string_view user_id) const;
  // Every user, ordered by user id.
  std::vector<UserRecord> snapshot() const;
  std::size_t registrations() const;

 private:
  UserRecord& entry(std::string_view user_id);  // mu_ held

  mutable std::mutex mu_;
  std::unordered_map<std::string, UserRecord> users_;
  std::size_t registrations_ = 0;
};

}  // namespace e911::locations
