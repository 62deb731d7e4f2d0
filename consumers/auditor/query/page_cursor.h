#pragma once
// The cursors of the auditors' paginated lists (call_query.h,
// registration_query.h): where the next page starts, opaque to clients,
// decoded strictly because a client sends them back (the HTTP API's
// `cursor` parameter, `e911 audit query --cursor`). Pure; safe from any
// thread.
//
//   calls          base64url (no padding) of "t:<occurred_at>:<call_id>"
//                  after a call with a time, "n:<call_id>" after one
//                  without (those come last)
//   registrations  base64url of "r:<seq>:<user_id>"
//
// One spelling per position: a cursor decodes only if encoding what it
// decodes to gives it back (no padding, no "+1", "007" or "-0"), and ids
// are clean UTF-8. Anything else is "cursor: not a cursor this service
// issued".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/timestamp.h"

namespace e911::auditor {

// Longer cursors are refused before they are decoded.
inline constexpr std::size_t kMaxCursorChars = 2048;

// After this call, in (occurred_at, call_id) order; calls without a time
// come after every call with one, by call_id.
struct CallPosition {
  std::optional<EpochMillis> occurred_at;  // nullopt: among the calls without a time
  std::string call_id;

  bool operator==(const CallPosition&) const = default;
};

std::string encode_call_cursor(const CallPosition& position);
Result<CallPosition> decode_call_cursor(std::string_view cursor);

// After this journal entry (seq) of this user.
struct RegistrationPosition {
  std::int64_t seq = 0;  // at least 1
  std::string user_id;

  bool operator==(const RegistrationPosition&) const = default;
};

std::string encode_registration_cursor(const RegistrationPosition& position);
Result<RegistrationPosition> decode_registration_cursor(std::string_view cursor);

}  // namespace e911::auditor
