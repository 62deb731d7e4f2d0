// The compliance overview (console_pages.h): per site and overall, for a
// period, as a table; and the one place a chart goes.

#include <cmath>
#include <cstdio>

#include "common/text.h"
#include "consumers/auditor/console/console_pages.h"
#include "consumers/auditor/console/page_parts.h"

namespace e911::auditor::console {

namespace {

using html::cell;

std::string percent_text(double percent, std::size_t of) {
  if (of == 0) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", percent);
  return buf;
}

std::string figures_row(const ComplianceFigures& f, bool overall) {
  std::string out = overall ? "<tr class=\"overall\" id=\"overall\"><th scope=\"row\">All sites</th>"
                            : "<tr><th scope=\"row\">" + html_escape(f.site_id) + "</th>";
  out += cell(std::to_string(f.emergency_calls)) + cell(std::to_string(f.test_calls)) +
         cell(percent_text(f.dispatchable_percent(), f.emergency_calls)) +
         cell(percent_text(f.notified_percent(), f.emergency_calls)) + cell(html::latency_text(f.alert_latency.p50_ms)) +
         cell(html::latency_text(f.alert_latency.p95_ms)) + cell(html::latency_text(f.alert_latency.max_ms)) +
         cell(std::to_string(f.alerts_failed)) + cell(std::to_string(f.alerts_escalated));
  return out + "</tr>\n";
}

}  // namespace

std::string overview_body(const OverviewView& view) {
  const auto& p = view.params;
  std::string out = "<h1>Compliance overview</h1>\n";
  out += "<form method=\"get\" action=\"" + html_escape(kOverviewPath) +
         "\" class=\"filters\" id=\"period\" aria-label=\"Period\">\n";
  out += html::text_field(p, "from", "From", "text", "2026-10-01");
  out += html::text_field(p, "to", "To", "text", "2026-12-31 (that day included)");
  out += html::text_field(p, "site", "Site");
  out += "<div class=\"actions\"><button type=\"submit\" id=\"apply\">Show</button></div>\n</form>\n";
  const auto& r = view.report;
  out += "<p id=\"period-text\">" +
         html_escape((r.filter.from ? "From " + format_rfc3339(*r.filter.from) : std::string("From the first call")) +
                     (r.filter.to ? " to " + format_rfc3339(*r.filter.to) + " (excluded)" : std::string(" to now"))) +
         ".</p>\n";
  if (!view.chart_svg.empty()) {
    // The chart renderer's SVG (consumers/auditor/report/): trusted markup.
    out += "<figure class=\"chart\" id=\"overview-chart\">" + view.chart_svg +
           "<figcaption>Alert latency and notification by site</figcaption></figure>\n";
  }
  out += "<table id=\"compliance\"><caption>Emergency and test calls; percentages and alert latency (call to first "
         "alert accepted) are of emergency calls</caption>\n"
         "<thead><tr><th scope=\"col\">Site</th><th scope=\"col\">Emergency calls</th><th scope=\"col\">Test calls</th>"
         "<th scope=\"col\">Dispatchable</th><th scope=\"col\">Notified</th><th scope=\"col\">Latency p50</th>"
         "<th scope=\"col\">p95</th><th scope=\"col\">max</th><th scope=\"col\">Failed alerts</th>"
         "<th scope=\"col\">Escalated alerts</th></tr></thead>\n<tbody>\n";
  for (const auto& f : r.sites) out += figures_row(f, false);
  out += figures_row(r.overall, true);
  out += "</tbody></table>\n";
  return out;
}

}  // namespace e911::auditor::console
