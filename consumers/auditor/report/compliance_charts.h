#pragma once
// The compliance overview's charts (chart.h shapes): calls per day, the
// alert-latency histogram, and % dispatchable / % notified per site. Pure.
//
// Every bar's number is also drawn as text (above or beside it) and said
// in the chart's description, so the figures survive without colour and
// without the picture (a screen reader, pdftotext). Bar lengths are
// proportional to their values on an axis from 0 to a round number at or
// above the largest value (1, 2 or 5 times a power of ten).

#include <cstddef>
#include <vector>

#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/report/chart.h"
#include "consumers/auditor/report/overview_figures.h"

namespace e911::auditor {

// The smallest 1, 2 or 5 times a power of ten at or above `value` (1 for 0).
std::size_t round_axis_top(std::size_t value);

// Stacked bars, emergency below test, one per day; a day's total above its
// bar when there are at most 31 days.
Chart calls_per_day_chart(const std::vector<DayCount>& days);

// One bar per bucket, its count above it.
Chart latency_histogram_chart(const std::vector<LatencyBucket>& buckets);

// Overall, then each site: two horizontal bars on 0..100 %, dispatchable
// and notified, each with "97.5 % (39 of 40)" beside it.
Chart site_compliance_chart(const ComplianceReport& report);

}  // namespace e911::auditor
