#pragma once
// The compliance overview of a period (docs/auditor.md, "Monthly report
// (PDF)"): the compliance report's figures per site and overall
// (call_query.h), plus the alert-latency distribution, calls per day, the
// emergency calls that were not dispatchable or not notified (the first
// `failing_limit`, with how many there are in all), and the state of the
// users' registered locations at the end of the period. The PDF report
// and the web console's overview page both draw from it.
//
// Reads the store (SQLite or PostgreSQL) through bound parameters only;
// the arithmetic is overview_figures.h. Throws what the store throws
// (std::runtime_error naming the store and the operation).

#include <cstddef>
#include <vector>

#include "common/timestamp.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/report/overview_figures.h"
#include "consumers/auditor/store/audit_store.h"

namespace e911::auditor {

struct FailingCall {
  CallRow call;
  std::vector<std::string> reasons;  // failing_reasons(call)
};

struct OverviewOptions {
  std::size_t failing_limit = 200;     // failing calls listed (the oldest first)
  std::size_t max_days = 400;          // days in calls_per_day (the last ones)
  EpochMillis stale_after = 12 * 3'600'000;  // the registry's default defaults.stale_after
  EpochMillis now = 0;                 // the end of an open period (registrations as of then); 0: now_millis()
};

struct ComplianceOverview {
  ComplianceReport report;                       // figures overall and per site
  std::vector<LatencyBucket> latency_histogram;  // emergency calls, overall
  std::vector<DayCount> calls_per_day;           // every day of the period, zeros included
  std::size_t days_cut = 0;                      // days before calls_per_day left out (max_days)
  std::vector<FailingCall> failing_calls;        // not dispatchable or not notified, oldest first
  std::size_t failing_total = 0;                 // all of them in the period (failing_calls may be fewer)
  // Each user's latest registration as of the period's end (or now).
  // Registrations are not per site: a --site report shows them all.
  RegistrationStatus registrations;
};

ComplianceOverview compliance_overview(AuditStore& store, const CallFilter& filter, const OverviewOptions& options = {});

}  // namespace e911::auditor
