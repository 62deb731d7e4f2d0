#pragma once
// Where a user's client was seen, as a Kafka record on
// e911.location-sightings (topics.location_sightings): key the user id,
// value schemas/location-sighting.v1.schema.json. Compacted: the last
// sighting per user. The replica that answers a user's status request
// produces it, and every replica reads the topic into its book, so the
// statuses, the admin listing and the reminders (network-changed, missing)
// agree whichever replica answered. It carries the network the client saw
// (an IP, an access point), never an address.

#include <optional>
#include <string>
#include <string_view>

#include "common/ip_address.h"
#include "common/json_reader.h"
#include "common/mac_address.h"
#include "common/result.h"
#include "common/timestamp.h"
#include "producers/locations/registration_book.h"
#include "producers/locations/registration_status.h"

namespace e911::locations {

inline constexpr std::string_view kLocationSightingSchema = "e911.location-sighting/v1";

struct SightingRecord {
  std::string user_id;
  EpochMillis seen_at = 0;
  SeenNetwork network{};  // empty: the user asked, their client saw nothing we can tell
};

std::string encode_sighting_record(const SightingRecord& record);
// Errors name the field ("network.ip: ...").
Result<SightingRecord> decode_sighting_record(std::string_view json, const JsonLimits& limits = {});

// Whether a user seen on `now_seen` at `now`, known before as `before`
// (nullptr: not at all), is worth a new record: the first time, another
// network than the last one seen, or the last such sighting older than
// `refresh`; a request showing no network, only when the user has not
// asked within `refresh`. So the topic tells where and when a user was
// last seen, with one record per user per `refresh` at most while nothing
// changes.
bool sighting_worth_recording(const UserRecord* before, const SeenNetwork& now_seen, EpochMillis now,
                              EpochMillis refresh);

}  // namespace e911::locations
