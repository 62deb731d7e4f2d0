#pragma once
// What one journal entry changes in the derived per-call rows (audit_calls,
// audit_alerts; call_query.h): pure extraction from the entry's payload.
// The store applies these with upserts in the transaction that appends the
// entries, so the rows always match the journal.
//
// Values left empty (nullopt) leave the stored column as it is: a call's
// notifications may be journaled before the call itself (two topics), and
// later entries refine earlier ones.

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/timestamp.h"
#include "consumers/auditor/journal/audit_entry.h"

namespace e911::auditor {

struct CallUpsert {
  std::string call_id;
  std::optional<std::string> call_class, dialed;
  std::optional<EpochMillis> occurred_at;
  // call.recorded: the caller's home site; location.conveyed: the site
  // the location is at (applied after, so it wins when there is one).
  std::optional<std::string> site_id;
  std::optional<std::string> caller_user_id, caller_name, caller_extension, callback;
  std::optional<std::string> location_source, location_label, location_address;
  std::optional<bool> dispatchable;
  // location.conveyed of a registered location: whether an address
  // validation provider confirmed it (absent for other sources).
  std::optional<bool> location_validated;
  std::optional<std::string> warnings;  // codes joined with ','
  std::optional<std::string> routing, notify_list;
  std::optional<std::string> elin;  // location.conveyed: the ELIN conveyed, when the call had one
};

struct AlertUpsert {
  std::string call_id, notification_id;
  std::optional<std::string> list, recipient_name, recipient_address;
  std::string channel;
  int attempt = 1;
  std::string status;
  EpochMillis at = 0;
  bool attempted = false;                      // sent / delivered / retrying / failed
  std::optional<EpochMillis> delivered_at;     // sent / delivered
  std::optional<std::int64_t> delivered_latency_ms;
  bool failed = false;
  std::optional<std::string> escalated_to;     // escalated (empty target kept as "")
  std::optional<EpochMillis> acknowledged_at;  // acknowledged
  std::optional<std::string> acknowledged_by, error;
};

struct EntryEffect {
  std::optional<CallUpsert> call;
  std::optional<AlertUpsert> alert;
};

// The effect of one entry (call.recorded, location.conveyed, notification);
// nothing for journal entries. Errors only for payloads this code did not
// write (the kinds above with missing members).
Result<EntryEffect> effect_of(const AuditEntry& entry);

}  // namespace e911::auditor
