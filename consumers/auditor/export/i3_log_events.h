#pragma once
// NENA i3 Logging Service LogEvents (NENA-STA-010.3, the LogEvent schemas
// of the Logging Service's OpenAPI definition) made from journal entries,
// for `e911 audit export --format i3`: what a PSAP's or an ESInet's
// logging service can take in. Each LogEvent is the payload of a JWS
// signed with the auditor's signing key (i3 logs LogEvents as JWS).
//
// The subset produced (docs/auditor.md, "Verification and export"):
//   call.recorded     -> CallStartLogEvent        (direction, to, from, localCallType)
//   location.conveyed -> LocationResponseLogEvent (text: the PIDF-LO, direction, responseId)
//   notification      -> MessageLogEvent          (text: the notification record, direction)
//   elin.lookup       -> none (an ELIN lookup is the enterprise routing a
//                        callback, not an event of the emergency call a
//                        PSAP logs; and one that reached no call has no
//                        callId to log it under)
//   journal.*         -> none (the journal's own events have no i3 counterpart)
// Every event: logEventType, timestamp, elementId, agencyId (when
// configured), callId, clientAssignedIdentifier (the entry's hash, tying
// the LogEvent to the journal entry it comes from).
//
// Pure: the JWS is made by a ClaimsSigner the caller gives.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "consumers/auditor/journal/audit_entry.h"

namespace e911::auditor {

inline constexpr std::string_view kDefaultI3ElementId = "auditor.e911.invalid";

struct I3Options {
  std::string element_id = std::string(kDefaultI3ElementId);  // this element's id (a domain name)
  std::string agency_id;  // the agency's id; empty: left out (the Logging Service's schema requires it)
};

// The LogEvent for `entry` as a canonical JSON object, or nullopt for
// entries without one (journal.*). Errors name the entry and the payload
// member that is not what its kind promises.
Result<std::optional<std::string>> i3_log_event(const AuditEntry& entry, const I3Options& options);

// Makes a JWS compact serialization whose payload is the given JSON object.
using ClaimsSigner = std::function<std::string(std::string_view claims_json)>;

}  // namespace e911::auditor
