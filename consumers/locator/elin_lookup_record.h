#pragma once
// One answer to "whom should a callback to this ELIN reach now", as a
// Kafka record on e911.elin-lookups (topics.elin_lookups): key the ELIN,
// value schemas/elin-lookup.v1.schema.json. The locator's lookup endpoint
// and `e911 elin lookup` write one per lookup and the auditor journals it,
// so the record shows who asked, when, and which call it was sent to. It
// carries no caller data beyond the call id.

#include <optional>
#include <string>
#include <string_view>

#include "common/json_writer.h"
#include "common/timestamp.h"
#include "consumers/locator/elin_pool.h"

namespace e911::locator {

inline constexpr std::string_view kElinLookupSchema = "e911.elin-lookup/v1";

struct ElinLookup {
  std::string lookup_id;  // unique: the auditor's idempotency key (new_elin_lookup)
  std::string elin;
  EpochMillis looked_up_at = 0;
  std::optional<EpochMillis> as_of{};  // the time asked about, when not looked_up_at
  std::string via;                     // "http" or "cli"
  std::string by;                      // the bearer token's name, or the operator
  std::optional<ElinAssignment> answer{};  // nullopt: nobody to reach
};

// A lookup of `elin` answered now, with a fresh lookup id.
ElinLookup new_elin_lookup(std::string elin, std::string via, std::string by,
                           std::optional<ElinAssignment> answer);

std::string encode_elin_lookup(const ElinLookup& lookup);

// The answer as its asker sees it (the endpoint's body, `e911 elin lookup
// --json`), as members of the object being written: "elin", "reachable",
// and the assignment: pool, call_id, user_id, extension, callback,
// assigned_at.
void put_elin_answer(json::Writer& w, std::string_view elin, const std::optional<ElinAssignment>& answer);

}  // namespace e911::locator
