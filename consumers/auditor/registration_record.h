#pragma once
// What the auditor journals for each record of e911.location-updates (key
// = user id, compacted; CONTRACT.md "Location update"): pure mapping to
// the draft of one entry, on no call's timeline (empty call id).
//
//   location update -> location.registered
//       {"user_id", "event_id", "registered_at" (the update's occurred_at,
//        RFC 3339 UTC with milliseconds), "supplied_by" (the update's
//        "source": user, admin, hr-import...; absent when it has none),
//        "validated" (false when absent), "address", "network" (when
//        present), "source" (the Kafka record)}
//   tombstone       -> location.withdrawn
//       {"user_id" (the record's key), "withdrawn_at" (the record's
//        timestamp, else `now`), "withdrawal_id", "source"}
//
// An update is checked as the locator checks it (decode_input_event: the
// same refusals, the same reasons), and its event_id and user_id must be
// at most kMaxRegistrationIdChars. The address and the network are
// journaled as the record has them; other members of the record are not
// kept.
//
// Idempotency (AuditStore::ingest, registration_rows.h): an update's
// event_id, a withdrawal's withdrawal_id ("<topic>/<partition>/<offset>":
// a null value carries no id of its own, so the record's place is it).
//
// Errors name the field ("address.country: missing"), for the dead letter.
// Their text may quote a value of the address: log them through
// without_quoted_values().

#include <optional>
#include <string>
#include <string_view>

#include "common/json_reader.h"
#include "common/result.h"
#include "common/timestamp.h"
#include "consumers/auditor/audit_record.h"

namespace e911::auditor {

inline constexpr std::size_t kMaxRegistrationIdChars = 256;

// One draft: location.registered.
Result<EntryDraft> draft_for_location_update(std::string_view record, const SourceRecord& source, EpochMillis now,
                                             const JsonLimits& limits = {});

// One draft: location.withdrawn. `key` is the tombstone's key (the user
// id: required); `record_time` the record's timestamp (negative: none).
Result<EntryDraft> draft_for_withdrawal(const std::optional<std::string>& key, const SourceRecord& source,
                                        EpochMillis record_time, EpochMillis now);

// `reason` up to its first double quote, where error messages start
// quoting a value ("address.country: not an ISO 3166-1 alpha-2 code:
// \"Texas\"" -> "address.country: not an ISO 3166-1 alpha-2 code: (value
// not logged)"): what may be logged of a rejected registration.
std::string without_quoted_values(std::string_view reason);

}  // namespace e911::auditor
