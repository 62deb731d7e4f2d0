#pragma once
// The compliance overview's figures that are arithmetic on what the store
// returned: the alert-latency histogram, the calls-per-day series, why a
// call failed, and the state of the users' registered locations at a
// point in time. Pure; tested directly (tests/auditor/overview_figures_test.cpp).
//
// Latency buckets (docs/auditor.md, "Monthly report (PDF)"): the first
// alert accepted after the call, in seconds, [0,1) [1,2) [2,5) [5,10)
// [10,30) [30,60) and 60 or more. The edges follow what an auditor reads
// Kari's Law's "contemporaneous" as: seconds are fine, tens of seconds
// are a question, a minute is a failure.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/query/registration_query.h"

namespace e911::auditor {

struct LatencyBucket {
  std::string label;                    // "<1 s", "1-2 s", ..., ">=60 s"
  std::int64_t from_ms = 0;             // inclusive
  std::optional<std::int64_t> to_ms;    // exclusive; nullopt: no upper bound
  std::size_t calls = 0;
};

// The buckets above, empty.
std::vector<LatencyBucket> latency_buckets();
// Each latency counted in its bucket; a negative latency (a clock that
// went backwards between two machines) counts in the first.
std::vector<LatencyBucket> latency_histogram(const std::vector<std::int64_t>& latencies_ms);


// One UTC day in epoch milliseconds (epoch time has no leap seconds).
inline constexpr EpochMillis kUtcDayMillis = 86'400'000;

struct DayCount {
  EpochMillis day = 0;  // UTC midnight
  std::size_t emergency = 0;
  std::size_t test = 0;
};

// Every UTC day from the day of `from` to the day before `to` (or, for an
// open end, the first and last day that have calls), zeros included, in
// order. `counted` are the days that have calls, in any order. At most
// `max_days` days (the last ones): a series longer than that is cut at
// its start, and `cut` (when given) says how many days were left out.
std::vector<DayCount> day_series(const std::vector<DayCount>& counted, std::optional<EpochMillis> from,
                                 std::optional<EpochMillis> to, std::size_t max_days = 400,
                                 std::size_t* cut = nullptr);

// Why an emergency call counts as failing, in short words for a list:
// "not dispatchable (location source none, routed ecrc)", "not notified",
// "2 alerts failed", "warnings: vpn, stale-location". Empty for a call that
// was dispatchable and notified and has no failed alert.
std::vector<std::string> failing_reasons(const CallRow& call);

// The users' registered locations as of a time: each user's latest
// registration or withdrawal before it (registration_query.h).
struct RegistrationStatus {
  EpochMillis as_of = 0;
  EpochMillis stale_after = 0;   // a registration older than this, at as_of, is stale
  std::size_t users = 0;         // users with a registration or withdrawal journaled
  std::size_t registered = 0;    // ... whose latest is a registration
  std::size_t withdrawn = 0;
  std::size_t stale = 0;           // registered more than stale_after before as_of
  std::size_t not_validated = 0;   // registered, and no address validation provider confirmed it
  std::size_t not_dispatchable = 0;  // registered, and the address is not dispatchable
};

RegistrationStatus registration_status(const std::vector<RegistrationRow>& latest, EpochMillis as_of,
                                       EpochMillis stale_after);

// How the figures are written, the same on the console and in the PDF: a
// percentage with one decimal ("66.7"), a latency in seconds with one
// decimal, rounded ("2.0" for 1999 ms), and a duration in whole hours, or
// minutes when it is not ("12 h", "90 min").
std::string percent_text(double percent);
std::string seconds_text(std::int64_t ms);
std::string hours_text(EpochMillis ms);

}  // namespace e911::auditor
