#include "consumers/auditor/report/compliance_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

#include "common/timestamp.h"
#include "consumers/auditor/query/output_text.h"

namespace e911::auditor {

namespace {

constexpr const char* kEmergencyFill = "#1f4e79";
constexpr const char* kTestFill = "#8fb4d9";
constexpr const char* kDispatchableFill = "#2e7d32";
constexpr const char* kNotifiedFill = "#1565c0";
constexpr const char* kAxis = "#555555";
constexpr const char* kGrid = "#d0d0d0";

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string date_of(EpochMillis day) { return format_rfc3339(day).substr(0, 10); }

// Horizontal grid lines with their values on the left of a plot whose
// value 0 is at `bottom` and `top_value` at `top`.
void value_axis(Chart& chart, double left, double right, double top, double bottom, std::size_t top_value) {
  for (int i = 0; i <= 2; ++i) {
    const double y = bottom - (bottom - top) * i / 2.0;
    chart.lines.push_back({left, y, right, y, i == 0 ? kAxis : kGrid});
    if (i == 1 && top_value % 2 != 0) continue;  // half of 1 or 5 is no whole number of calls: a line, no label
    chart.texts.push_back({left - 4, y + 3.5, std::to_string(top_value * static_cast<std::size_t>(i) / 2),
                           TextAnchor::end, 9});
  }
}

// A chart `width` by `height` named `title`, the title its heading at the
// top left: how every chart here begins.
Chart titled_chart(double width, double height, std::string title) {
  Chart chart;
  chart.width = width;
  chart.height = height;
  chart.title = std::move(title);
  chart.texts.push_back({12, 20, chart.title, TextAnchor::start, 13, true});
  return chart;
}

void legend(Chart& chart, double x, double y, const char* fill, const std::string& label) {
  chart.rects.push_back({x, y - 8, 9, 9, fill, ""});  // the text beside it says what it is
  chart.texts.push_back({x + 13, y, label, TextAnchor::start, 10});
}

}  // namespace

std::size_t round_axis_top(std::size_t value) {
  std::size_t power = 1;
  for (;;) {
    for (const std::size_t step : {1, 2, 5}) {
      if (step * power >= value) return step * power;
    }
    power *= 10;
  }
}

Chart calls_per_day_chart(const std::vector<DayCount>& days) {
  auto chart = titled_chart(720, 260, "Calls per day");
  const double left = 48, right = 708, top = 40, bottom = 216;
  legend(chart, 520, 20, kEmergencyFill, "emergency");
  legend(chart, 610, 20, kTestFill, "test");

  std::size_t emergency = 0, test = 0, busiest = 0;
  EpochMillis busiest_day = 0;
  for (const auto& d : days) {
    emergency += d.emergency;
    test += d.test;
    if (d.emergency + d.test > busiest) {
      busiest = d.emergency + d.test;
      busiest_day = d.day;
    }
  }
  if (days.empty()) {
    chart.description = "No days in the period.";
    chart.texts.push_back({(left + right) / 2, (top + bottom) / 2, "no days in the period", TextAnchor::middle, 11});
    return chart;
  }
  chart.description = plural(emergency, "emergency call", "emergency calls") + " and " +
                      plural(test, "test call", "test calls") + " over " + plural(days.size(), "day", "days") +
                      ", " + date_of(days.front().day) + " to " + date_of(days.back().day);
  if (busiest > 0) chart.description += "; the busiest day " + date_of(busiest_day) + " with " + plural(busiest, "call", "calls");
  chart.description += ".";

  const std::size_t axis_top = round_axis_top(busiest);
  value_axis(chart, left, right, top, bottom, axis_top);
  const double slot = (right - left) / static_cast<double>(days.size());
  const double bar = std::clamp(slot * 0.8, 0.5, 40.0);  // a few days: bars, not walls
  const double scale = (bottom - top) / static_cast<double>(axis_top);
  const std::size_t label_every = (days.size() + 9) / 10;  // at most about ten dates under the axis
  for (std::size_t i = 0; i < days.size(); ++i) {
    const auto& d = days[i];
    const double x = left + slot * static_cast<double>(i) + (slot - bar) / 2;
    const double he = static_cast<double>(d.emergency) * scale;
    const double ht = static_cast<double>(d.test) * scale;
    const std::string date = date_of(d.day);
    if (d.emergency > 0) {
      chart.rects.push_back({x, bottom - he, bar, he, kEmergencyFill, date + ": " + plural(d.emergency, "emergency call", "emergency calls")});
    }
    if (d.test > 0) {
      chart.rects.push_back({x, bottom - he - ht, bar, ht, kTestFill, date + ": " + plural(d.test, "test call", "test calls")});
    }
    if (days.size() <= 31 && d.emergency + d.test > 0) {
      chart.texts.push_back({x + bar / 2, bottom - he - ht - 3, std::to_string(d.emergency + d.test), TextAnchor::middle, 8});
    }
    if (i % label_every == 0) {
      chart.texts.push_back({x + bar / 2, bottom + 14, date.substr(5), TextAnchor::middle, 9});  // MM-DD
    }
  }
  chart.texts.push_back({left, bottom + 32, "UTC days, " + date_of(days.front().day) + " to " + date_of(days.back().day),
                         TextAnchor::start, 9, false, kAxis});
  return chart;
}

Chart latency_histogram_chart(const std::vector<LatencyBucket>& buckets) {
  auto chart = titled_chart(480, 260, "Alert latency: call to first alert accepted");
  const double left = 48, right = 468, top = 40, bottom = 216;
  std::size_t largest = 0, total = 0;
  for (const auto& b : buckets) {
    largest = std::max(largest, b.calls);
    total += b.calls;
  }
  chart.description = plural(total, "notified emergency call", "notified emergency calls");
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    chart.description += (i == 0 ? ": " : "; ") + buckets[i].label + " " + std::to_string(buckets[i].calls);
  }
  chart.description += ".";
  const std::size_t axis_top = round_axis_top(largest);
  value_axis(chart, left, right, top, bottom, axis_top);
  if (buckets.empty()) return chart;
  const double slot = (right - left) / static_cast<double>(buckets.size());
  const double bar = slot * 0.7;
  const double scale = (bottom - top) / static_cast<double>(axis_top);
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const auto& b = buckets[i];
    const double x = left + slot * static_cast<double>(i) + (slot - bar) / 2;
    const double h = static_cast<double>(b.calls) * scale;
    if (b.calls > 0) chart.rects.push_back({x, bottom - h, bar, h, kEmergencyFill, b.label + ": " + plural(b.calls, "call", "calls")});
    chart.texts.push_back({x + bar / 2, bottom - h - 3, std::to_string(b.calls), TextAnchor::middle, 9});
    chart.texts.push_back({x + bar / 2, bottom + 14, b.label, TextAnchor::middle, 9});
  }
  chart.texts.push_back({left, bottom + 32, "emergency calls by seconds to the first alert accepted", TextAnchor::start,
                         9, false, kAxis});
  return chart;
}

Chart site_compliance_chart(const ComplianceReport& report) {
  std::vector<const ComplianceFigures*> rows{&report.overall};
  for (const auto& s : report.sites) rows.push_back(&s);
  const double label_width = 170, left = 12 + label_width, right = 560, row_height = 36, top = 52;
  auto chart = titled_chart(720, top + row_height * static_cast<double>(rows.size()) + 24,
                            "Dispatchable and notified, % of emergency calls");
  legend(chart, 430, 20, kDispatchableFill, "dispatchable");
  legend(chart, 540, 20, kNotifiedFill, "notified");
  const double bottom = top + row_height * static_cast<double>(rows.size());
  for (int pct : {0, 50, 100}) {
    const double x = left + (right - left) * pct / 100.0;
    chart.lines.push_back({x, top - 6, x, bottom, pct == 0 ? kAxis : kGrid});
    chart.texts.push_back({x, top - 10, std::to_string(pct) + " %", TextAnchor::middle, 9});
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& f = *rows[i];
    const std::string name = f.site_id.empty() ? "overall" : tty_text(f.site_id);
    const double y = top + row_height * static_cast<double>(i);
    std::string shown = name;
    if (shown.size() > 28) {
      std::size_t cut = 27;
      while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
      shown = shown.substr(0, cut) + "...";
    }
    chart.texts.push_back({left - 8, y + 20, shown, TextAnchor::end, 10, f.site_id.empty()});
    if (!chart.description.empty()) chart.description += " ";
    if (f.emergency_calls == 0) {
      chart.texts.push_back({left + 6, y + 20, "no emergency calls", TextAnchor::start, 9, false, kAxis});
      chart.description += name + ": no emergency calls.";
      continue;
    }
    const auto bar = [&](double offset, std::size_t count, double percent, const char* fill, const char* what) {
      const double w = (right - left) * percent / 100.0;
      const std::string figure = percent_text(percent) + " % (" + std::to_string(count) + " of " +
                                 std::to_string(f.emergency_calls) + ")";
      if (w > 0) chart.rects.push_back({left, y + offset, w, 12, fill, name + ": " + what + " " + figure});
      chart.texts.push_back({left + w + 5, y + offset + 10, figure, TextAnchor::start, 9});
      return std::string(what) + " " + figure;
    };
    const auto d = bar(5, f.dispatchable, f.dispatchable_percent(), kDispatchableFill, "dispatchable");
    const auto n = bar(19, f.notified, f.notified_percent(), kNotifiedFill, "notified");
    chart.description += name + ": " + d + ", " + n + ".";
  }
  return chart;
}

}  // namespace e911::auditor
