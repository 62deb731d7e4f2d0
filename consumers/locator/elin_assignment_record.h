#pragma once
// An ELIN assignment as a Kafka record on the compacted topic
// e911.elin-assignments (topics.elin_assignments): key the ELIN, value
// schemas/elin-assignment.v1.schema.json. The latest record of each ELIN
// says whom a callback to it should reach: every locator replica applies
// them (so they assign from one view of each pool), a restarted one reads
// them back, and `e911 elin lookup` answers from them.

#include <string>
#include <string_view>

#include "common/json_reader.h"
#include "common/result.h"
#include "consumers/locator/elin_pool.h"

namespace e911::locator {

inline constexpr std::string_view kElinAssignmentSchema = "e911.elin-assignment/v1";

std::string encode_elin_assignment(const ElinAssignment& a);

// Errors name the field ("assigned_at: not an RFC 3339 time: ...").
Result<ElinAssignment> decode_elin_assignment(std::string_view json, const JsonLimits& limits = {});

}  // namespace e911::locator
