#pragma once
// When did each user last confirm their location (RAY BAUM's Act: a
// registered location collected before service and kept current)? The
// journal's registrations (audit_registrations, registration_rows.h),
// asked by `e911 audit registrations` and GET /v1/registrations alike.
//
//   no user: each user's latest registration or withdrawal (the latest
//            journaled: the latest on the compacted topic, one key and so
//            one partition, in order), by user id
//   a user:  that user's history, oldest first
//
// since/until select rows by when they were registered (or withdrawn)
// first: with until, each user's latest "as of" that time.
//
// Pagination is keyset (user id, then seq), so a page is one indexed range
// read; the cursor is opaque and decoded strictly. SQL only with bound
// parameters.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/timestamp.h"
#include "consumers/auditor/query/call_query.h"  // PageRequest
#include "consumers/auditor/store/audit_store.h"

namespace e911::auditor {

struct RegistrationFilter {
  std::optional<std::string> user_id;  // that user's history; else each user's latest
  std::optional<EpochMillis> since;    // registered (or withdrawn) at or after
  std::optional<EpochMillis> until;    // ... before
};

struct RegistrationRow {
  std::int64_t seq = 0;  // the journal entry
  std::string user_id;
  bool withdrawn = false;  // location.withdrawn: the user withdrew their registration
  EpochMillis at = 0;      // registered_at, or withdrawn_at
  std::string event_id;    // the update's event_id; a withdrawal's "<topic>/<partition>/<offset>"
  std::string supplied_by;  // user, admin, hr-import...; empty when not said (and for a withdrawal)
  std::optional<bool> validated;     // an address validation provider confirmed it; nullopt for a withdrawal
  std::string country, address;      // the address on one line; empty for a withdrawal
  std::optional<bool> dispatchable;  // the address is dispatchable (is_dispatchable); nullopt for a withdrawal
};

struct RegistrationPage {
  std::vector<RegistrationRow> rows;
  std::string next_cursor;  // empty: no more
};

// Errors name the parameter: "cursor: not a cursor this service issued",
// "limit: ...", "until: must be after since".
Result<RegistrationPage> query_registrations(AuditStore& store, const RegistrationFilter& filter,
                                             const PageRequest& page);

}  // namespace e911::auditor
