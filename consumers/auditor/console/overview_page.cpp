// The compliance overview (console_pages.h): per site and overall, for a
// period, as a table; and the one place a chart goes.

#include "common/encoding.h"
#include "common/text.h"
#include "consumers/auditor/console/console_pages.h"
#include "consumers/auditor/console/page_parts.h"
#include "consumers/auditor/report/compliance_charts.h"
#include "consumers/auditor/report/svg_chart.h"

namespace e911::auditor::console {

std::vector<OverviewChart> overview_charts(const ComplianceOverview& figures) {
  const auto chart_of = [](std::string id, std::string caption, const Chart& chart) {
    return OverviewChart{std::move(id), std::move(caption), chart_svg(chart), chart.description};
  };
  return {
      chart_of("chart-sites", "Dispatchable and notified, by site", site_compliance_chart(figures.report)),
      chart_of("chart-latency", "Alert latency: call to first alert accepted",
               latency_histogram_chart(figures.latency_histogram)),
      chart_of("chart-days", "Calls per day (UTC)", calls_per_day_chart(figures.calls_per_day)),
  };
}

namespace {

using html::cell;

std::string percent_of(double percent, std::size_t of) {
  if (of == 0) return "—";
  return percent_text(percent) + " %";
}

std::string figures_row(const ComplianceFigures& f, bool overall) {
  std::string out = overall ? "<tr class=\"overall\" id=\"overall\"><th scope=\"row\">All sites</th>"
                            : "<tr><th scope=\"row\">" + html_escape(f.site_id) + "</th>";
  out += cell(std::to_string(f.emergency_calls)) + cell(std::to_string(f.test_calls)) +
         cell(percent_of(f.dispatchable_percent(), f.emergency_calls)) +
         cell(percent_of(f.notified_percent(), f.emergency_calls)) + cell(html::latency_text(f.alert_latency.p50_ms)) +
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
  // The same period as a PDF to file (what `e911 audit report --pdf` writes).
  net::QueryParams period;
  for (const auto* name : {"from", "to", "site"}) {
    if (const auto v = html::param(p, name); !v.empty()) period.emplace(name, v);
  }
  auto letter = period;
  letter.emplace("paper", "letter");
  out += "<p class=\"downloads\"><a id=\"overview-pdf\" href=\"" + html_escape(net::link_with_query(kOverviewPdfPath, period)) +
         "\">PDF report (A4)</a> · <a id=\"overview-pdf-letter\" href=\"" +
         html_escape(net::link_with_query(kOverviewPdfPath, letter)) + "\">US Letter</a></p>\n";
  const auto& r = view.report;
  out += "<p id=\"period-text\">" +
         html_escape((r.filter.from ? "From " + format_rfc3339(*r.filter.from) : std::string("From the first call")) +
                     (r.filter.to ? " to " + format_rfc3339(*r.filter.to) + " (excluded)" : std::string(" to now"))) +
         ".</p>\n";
  for (const auto& chart : view.charts) {
    // The chart renderer's SVG (consumers/auditor/report/): trusted markup;
    // its numbers in words beside it.
    out += "<figure class=\"chart\" id=\"" + html_escape(chart.id) + "\">" + chart.svg + "<figcaption>" +
           html_escape(chart.caption) + "<span class=\"numbers\">" + html_escape(chart.description) +
           "</span></figcaption></figure>\n";
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
  out += "<h2>Emergency calls not dispatchable or not notified</h2>\n";
  if (view.failing_total == 0) {
    out += "<p id=\"failing-none\">None in this period.</p>\n";
  } else {
    out += "<table id=\"failing\"><caption>" + std::to_string(view.failing_total) + " call" +
           (view.failing_total == 1 ? "" : "s") +
           (view.failing_calls.size() < view.failing_total
                ? ", the first " + std::to_string(view.failing_calls.size()) + " shown (the calls page lists them all)"
                : std::string()) +
           "</caption>\n<thead><tr><th scope=\"col\">Call</th><th scope=\"col\">When</th>"
           "<th scope=\"col\">Site</th><th scope=\"col\">Why</th></tr></thead>\n<tbody>\n";
    for (const auto& f : view.failing_calls) {
      std::string why;
      for (const auto& reason : f.reasons) why += (why.empty() ? "" : "; ") + reason;
      out += "<tr><td><a href=\"" + html_escape(std::string(kCallsPath) + "/" + percent_encode(f.call.call_id)) +
             "\">" + html_escape(f.call.call_id) + "</a></td>" + cell(html::time_text(f.call.occurred_at)) +
             cell(f.call.site_id) + cell(why) + "</tr>\n";
    }
    out += "</tbody></table>\n";
  }
  if (view.registrations) {
    const auto& g = *view.registrations;
    out += "<h2>Registered locations at the period's end</h2>\n<table id=\"registrations\"><tbody>\n" +
           std::string("<tr><th scope=\"row\">Users with a registration</th>") + cell(std::to_string(g.registered)) +
           "</tr>\n<tr><th scope=\"row\">Stale (not confirmed within " +
           hours_text(g.stale_after) + ")</th>" + cell(std::to_string(g.stale)) +
           "</tr>\n<tr><th scope=\"row\">Not validated</th>" + cell(std::to_string(g.not_validated)) +
           "</tr>\n<tr><th scope=\"row\">Not dispatchable</th>" + cell(std::to_string(g.not_dispatchable)) +
           "</tr>\n<tr><th scope=\"row\">Withdrawn</th>" + cell(std::to_string(g.withdrawn)) + "</tr>\n</tbody></table>\n";
  }
  return out;
}

}  // namespace e911::auditor::console
