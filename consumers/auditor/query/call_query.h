#pragma once
// What auditors ask of the journal's derived per-call rows (audit_calls,
// audit_alerts; docs/auditor.md, "Calls"): filtered, paginated call lists,
// one call's full record and timeline, and the compliance report. Used by
// `e911 audit query|show|report` and by the HTTP API, so both answer the
// same question the same way.
//
// SQL only with bound parameters; every filter value is a bound value.
// Pagination is keyset (occurred_at, call_id): a page is one indexed range
// read at any depth, and a cursor stays valid while calls are added.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/timestamp.h"
#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/store/audit_store.h"

namespace e911::auditor {

struct CallFilter {
  std::optional<EpochMillis> from;        // occurred_at >= from
  std::optional<EpochMillis> to;          // occurred_at < to
  std::optional<std::string> site;        // site_id, exact
  std::optional<std::string> caller;      // user id, extension or callback, exact; or name, case-insensitive substring
  std::optional<std::string> call_class;  // "emergency" / "test"
  std::optional<bool> dispatchable;
  std::optional<bool> notified;
  std::optional<std::string> elin;        // the ELIN conveyed (E.164), exact
  std::optional<bool> failed;             // some alert given up without delivery (alerts_failed > 0), or none
  std::optional<bool> escalated;          // some alert escalated (alerts_escalated > 0), or none
  // site_id one of these (an empty set matches nothing): the sites a
  // console user may see (consumers/auditor/console/console_access.h),
  // applied with `site` when both are given.
  std::optional<std::vector<std::string>> sites;
};

inline constexpr std::size_t kDefaultPageSize = 100;
inline constexpr std::size_t kMaxPageSize = 1000;

struct PageRequest {
  std::size_t limit = kDefaultPageSize;  // 1..kMaxPageSize
  std::string cursor;                    // empty: the first page; else CallPage::next_cursor
};

// One row of audit_calls.
struct CallRow {
  std::string call_id;
  std::string call_class;  // "emergency" / "test"; empty until the call itself is journaled
  std::string dialed;
  std::optional<EpochMillis> occurred_at;
  std::string site_id;
  std::string caller_user_id, caller_name, caller_extension, callback;
  std::string location_source, location_label, location_address;  // address on one line
  std::optional<bool> dispatchable;
  std::vector<std::string> warnings;  // codes
  std::string routing;                // "psap" / "ecrc"
  std::string notify_list;
  std::string elin;  // the ELIN conveyed; empty when none was
  // A registered location: whether an address validation provider
  // confirmed it (nullopt for other sources, or not said).
  std::optional<bool> location_validated;
  int alerts_total = 0;      // alerts with a delivery attempt
  int alerts_delivered = 0;  // ... accepted by their channel (sent, delivered or acknowledged)
  int alerts_failed = 0;     // ... given up without delivery
  int alerts_escalated = 0;
  std::optional<std::int64_t> first_alert_latency_ms;  // call -> first alert accepted
  std::optional<EpochMillis> acknowledged_at;
  std::string acknowledged_by;
  bool notified = false;       // at least one alert accepted
  bool all_delivered = false;  // alerts_total > 0 and every one accepted
};

struct CallPage {
  std::vector<CallRow> calls;
  std::string next_cursor;  // empty: no more
};

// One row of audit_alerts: the life of one alert (call, list, recipient, channel).
struct AlertRow {
  std::string notification_id;
  std::string list, recipient_name, recipient_address, channel;
  int attempts = 0;
  std::string status;  // the latest
  EpochMillis last_at = 0;
  std::optional<EpochMillis> delivered_at;
  std::optional<std::int64_t> delivered_latency_ms;
  std::string escalated_to;
  std::optional<EpochMillis> acknowledged_at;
  std::string acknowledged_by;
  std::string error;
};

struct CallDetail {
  CallRow call;
  std::vector<AlertRow> alerts;
  std::vector<AuditEntry> entries;  // the call's journal entries, in seq order (the timeline), ELIN lookups that reached it included
};

// Errors (a cursor that is not one of ours, a limit out of range) name
// the parameter: "cursor: not a cursor this service issued".
Result<CallPage> query_calls(AuditStore& store, const CallFilter& filter, const PageRequest& page);
std::optional<CallDetail> call_detail(AuditStore& store, const std::string& call_id);

struct LatencySummary {
  std::size_t count = 0;  // calls with a first alert accepted
  std::optional<std::int64_t> p50_ms, p95_ms, max_ms;
};

struct ComplianceFigures {
  std::string site_id;  // empty: overall
  std::size_t emergency_calls = 0;
  std::size_t test_calls = 0;
  std::size_t dispatchable = 0;  // emergency calls with a dispatchable location
  std::size_t notified = 0;      // emergency calls with at least one alert accepted
  std::size_t all_delivered = 0;
  LatencySummary alert_latency;  // emergency calls, call -> first alert accepted
  std::size_t alerts_failed = 0;
  std::size_t alerts_escalated = 0;
  // Emergency calls with each callback and ELIN warning: a callback that
  // could not reach the caller (none, not diallable, a shared line), an
  // ELIN that had to be reused.
  std::size_t callback_missing = 0;
  std::size_t callback_shared = 0;
  std::size_t elin_reused = 0;
  double dispatchable_percent() const;  // of emergency calls; 0 when there are none
  double notified_percent() const;
};

struct ComplianceReport {
  CallFilter filter;                    // what it covers (from/to/site/class)
  ComplianceFigures overall;
  std::vector<ComplianceFigures> sites;  // by site_id
};

// `emergency_latencies_ms`, when given, receives the latencies the
// percentiles were taken from (every notified emergency call in range, in
// no order): the overview's histogram counts the same calls.
ComplianceReport compliance_report(AuditStore& store, const CallFilter& filter,
                                   std::vector<std::int64_t>* emergency_latencies_ms = nullptr);

}  // namespace e911::auditor
