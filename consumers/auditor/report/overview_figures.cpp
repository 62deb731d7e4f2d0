#include "consumers/auditor/report/overview_figures.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/text.h"

namespace e911::auditor {

std::vector<LatencyBucket> latency_buckets() {
  return {
      {"<1 s", 0, 1'000, 0},          {"1-2 s", 1'000, 2'000, 0},    {"2-5 s", 2'000, 5'000, 0},
      {"5-10 s", 5'000, 10'000, 0},   {"10-30 s", 10'000, 30'000, 0}, {"30-60 s", 30'000, 60'000, 0},
      {">=60 s", 60'000, std::nullopt, 0},
  };
}

std::vector<LatencyBucket> latency_histogram(const std::vector<std::int64_t>& latencies_ms) {
  auto buckets = latency_buckets();
  for (const auto ms : latencies_ms) {
    auto it = std::find_if(buckets.begin(), buckets.end(), [&](const LatencyBucket& b) { return !b.to_ms || ms < *b.to_ms; });
    ++it->calls;  // the last bucket has no upper bound: always found
  }
  return buckets;
}

namespace {

EpochMillis day_of(EpochMillis t) {
  // Floor division: a time before 1970 still lands on its own day.
  const auto q = t / kUtcDayMillis;
  return (t % kUtcDayMillis < 0 ? q - 1 : q) * kUtcDayMillis;
}

}  // namespace

std::vector<DayCount> day_series(const std::vector<DayCount>& counted, std::optional<EpochMillis> from,
                                 std::optional<EpochMillis> to, std::size_t max_days, std::size_t* cut) {
  if (cut) *cut = 0;
  std::map<EpochMillis, DayCount> by_day;
  for (const auto& d : counted) {
    auto& slot = by_day[day_of(d.day)];
    slot.day = day_of(d.day);
    slot.emergency += d.emergency;
    slot.test += d.test;
  }
  if (by_day.empty() && (!from || !to)) return {};
  const EpochMillis first = from ? day_of(*from) : by_day.begin()->first;
  // `to` is exclusive: the last day is the one holding to - 1 ms.
  const EpochMillis last = to ? day_of(*to - 1) : by_day.rbegin()->first;
  if (last < first) return {};
  const auto days = static_cast<std::size_t>((last - first) / kUtcDayMillis + 1);
  const std::size_t kept = std::min(days, std::max<std::size_t>(max_days, 1));
  if (cut) *cut = days - kept;
  std::vector<DayCount> out;
  out.reserve(kept);
  for (EpochMillis day = last - static_cast<EpochMillis>(kept - 1) * kUtcDayMillis; day <= last; day += kUtcDayMillis) {
    const auto it = by_day.find(day);
    out.push_back(it == by_day.end() ? DayCount{day, 0, 0} : it->second);
  }
  return out;
}

std::vector<std::string> failing_reasons(const CallRow& call) {
  std::vector<std::string> out;
  if (call.dispatchable != true) {
    std::string why = call.dispatchable ? "not dispatchable" : "dispatchable not known (no location journaled)";
    const std::string source = call.location_source.empty() ? "none" : call.location_source;
    if (call.dispatchable) why += " (location source " + source + (call.routing.empty() ? "" : ", routed " + call.routing) + ")";
    out.push_back(why);
  }
  if (!call.notified) out.push_back(call.alerts_total == 0 ? "not notified (no alert attempted)" : "not notified");
  if (call.alerts_failed > 0) {
    out.push_back(std::to_string(call.alerts_failed) + (call.alerts_failed == 1 ? " alert failed" : " alerts failed"));
  }
  if (!out.empty() && !call.warnings.empty()) out.push_back("warnings: " + join(call.warnings, ", "));
  return out;
}

RegistrationStatus registration_status(const std::vector<RegistrationRow>& latest, EpochMillis as_of,
                                       EpochMillis stale_after) {
  RegistrationStatus s;
  s.as_of = as_of;
  s.stale_after = stale_after;
  for (const auto& r : latest) {
    ++s.users;
    if (r.withdrawn) {
      ++s.withdrawn;
      continue;
    }
    ++s.registered;
    if (as_of - r.at > stale_after) ++s.stale;
    if (r.validated == false) ++s.not_validated;
    if (r.dispatchable == false) ++s.not_dispatchable;
  }
  return s;
}

std::string percent_text(double percent) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", percent);
  return buf;
}

std::string seconds_text(std::int64_t ms) {
  const auto tenths = ms >= 0 ? (ms + 50) / 100 : -((-ms + 50) / 100);
  const auto magnitude = tenths < 0 ? -tenths : tenths;
  return (tenths < 0 ? "-" : "") + std::to_string(magnitude / 10) + "." + std::to_string(magnitude % 10);
}

std::string hours_text(EpochMillis ms) {
  constexpr EpochMillis kHour = 3'600'000;
  constexpr EpochMillis kMinute = 60'000;
  if (ms % kHour == 0) return std::to_string(ms / kHour) + " h";
  return std::to_string((ms + kMinute / 2) / kMinute) + " min";
}

}  // namespace e911::auditor
