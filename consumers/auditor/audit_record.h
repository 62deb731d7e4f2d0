#pragma once
// What the auditor journals for each consumed record: pure mapping from an
// e911.emergency-call/v1 document, an e911.notification/v1 record or an
// e911.elin-lookup/v1 record to the drafts of audit entries (kind, call
// id, time, canonical JSON payload).
// The store seals drafts into the chain (AuditStore::ingest).
//
//   emergency call -> call.recorded     {call facts + source}
//                     location.conveyed {location conveyed + source}
//   notification   -> notification      {the record's fields + source}
//   ELIN lookup    -> elin.lookup       {the record's fields + source}; its
//                     call id is the call the ELIN reached, or empty when
//                     it reached none (the entry is then on no call's
//                     timeline: `e911 audit query --elin` finds the calls
//                     conveyed the number)
//
// Payloads keep what an auditor asks about months later (docs/auditor.md,
// "Entries"), and "source": {"topic","partition","offset"} naming the Kafka
// record they came from. Numbers that are not integers (geo coordinates,
// uncertainty) are kept as their decimal text: canonical JSON carries
// integers only.
//
// Errors name the field, as the other decoders do
// ("caller.callback: expected a string, got number"): the consumer sends
// such a record to the dead-letter topic with that reason.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_reader.h"
#include "common/result.h"
#include "common/timestamp.h"
#include "consumers/auditor/payload_builder.h"  // SourceRecord

namespace e911::auditor {

// An entry before it has a place in the chain (no seq, hashes, signature).
struct EntryDraft {
  std::string kind;     // entry_kind::k*
  std::string call_id;  // empty for journal entries and ELIN lookups that reached no call
  EpochMillis at = 0;   // when the auditor journaled it
  std::string payload;  // canonical JSON object

  bool operator==(const EntryDraft&) const = default;
};

inline constexpr std::string_view kEmergencyCallSchema = "e911.emergency-call/v1";
inline constexpr std::string_view kNotificationSchema = "e911.notification/v1";
inline constexpr std::string_view kElinLookupSchema = "e911.elin-lookup/v1";

// Two drafts: call.recorded, then location.conveyed. `now` is the entries'
// time.
Result<std::vector<EntryDraft>> drafts_for_emergency_call(std::string_view document, const SourceRecord& source,
                                                          EpochMillis now, const JsonLimits& limits = {});

// One draft: notification.
Result<EntryDraft> draft_for_notification(std::string_view record, const SourceRecord& source, EpochMillis now,
                                          const JsonLimits& limits = {});

// One draft: elin.lookup. The record's lookup_id is its idempotency key
// (AuditStore::ingest journals a lookup_id once).
Result<EntryDraft> draft_for_elin_lookup(std::string_view record, const SourceRecord& source, EpochMillis now,
                                         const JsonLimits& limits = {});

}  // namespace e911::auditor
