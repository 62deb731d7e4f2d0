// The calls list (console_pages.h): the filter form, the CSV export of the
// same filter, the table and the next page.

#include "common/encoding.h"
#include "common/text.h"
#include "consumers/auditor/console/console_pages.h"
#include "consumers/auditor/console/page_parts.h"

namespace e911::auditor::console {

namespace {

using html::cell;

const std::vector<std::pair<std::string_view, std::string_view>> kYesNo = {{"true", "yes"}, {"false", "no"}};

std::string filter_form(const net::QueryParams& p) {
  std::string out = "<form method=\"get\" action=\"" + html_escape(kCallsPath) +
                    "\" class=\"filters\" id=\"filters\" aria-label=\"Filter the calls\">\n";
  out += html::text_field(p, "from", "From", "text", "2026-11-01 or RFC 3339");
  out += html::text_field(p, "to", "To", "text", "2026-11-30 (that day included)");
  out += html::text_field(p, "site", "Site");
  out += html::text_field(p, "caller", "Caller", "text", "user id, extension, callback or name");
  out += html::select_field(p, "class", "Class", {{"emergency", "emergency"}, {"test", "test"}});
  out += html::select_field(p, "dispatchable", "Dispatchable", kYesNo);
  out += html::select_field(p, "notified", "Notified", kYesNo);
  out += html::select_field(p, "failed", "Failed alerts", kYesNo);
  out += html::select_field(p, "escalated", "Escalated", kYesNo);
  out += html::text_field(p, "elin", "ELIN", "text", "+15125550190");
  out += html::text_field(p, "limit", "Per page", "number", "100");
  out += "<div class=\"actions\"><button type=\"submit\" id=\"apply\">Apply</button> <a href=\"" +
         html_escape(kCallsPath) + "\">Clear</a></div>\n</form>\n";
  return out;
}

std::string call_row(const CallRow& c) {
  std::string out = "<tr>";
  out += cell(html::time_text(c.occurred_at));
  out += "<td><a href=\"" + html_escape(std::string(kCallsPath) + "/" + percent_encode(c.call_id)) +
         "\" class=\"call-link\">" + html_escape(c.call_id) + "</a></td>";
  out += cell(c.call_class);
  out += cell(c.site_id);
  out += cell(c.caller_name.empty() ? c.caller_user_id : c.caller_name);
  out += cell(c.callback);
  out += cell(c.location_label.empty() ? c.location_address : c.location_label);
  out += cell(html::yes_no(c.dispatchable));
  out += cell(c.notified ? "yes" : "no");
  out += cell(std::to_string(c.alerts_delivered) + " / " + std::to_string(c.alerts_total));
  out += cell(std::to_string(c.alerts_failed));
  out += cell(std::to_string(c.alerts_escalated));
  out += cell(html::latency_text(c.first_alert_latency_ms));
  return out + "</tr>\n";
}

}  // namespace

std::string calls_body(const CallsView& view) {
  std::string out = "<h1>Calls</h1>\n" + filter_form(view.params);
  // The export: exactly this filter, every page of it.
  net::QueryParams filter = view.params;
  filter.erase("cursor");
  filter.erase("limit");
  filter.erase("format");
  out += "<p class=\"exports\"><a href=\"" + html_escape(net::link_with_query(kCallsCsvPath, filter)) +
         "\" id=\"export-csv\" download>Export these calls as CSV</a></p>\n";
  if (view.calls.empty()) {
    out += "<p id=\"no-calls\">No call matches this filter.</p>\n";
  } else {
    out += "<table class=\"calls\" id=\"calls\">\n<thead><tr><th scope=\"col\">Time (UTC)</th><th scope=\"col\">Call</th>"
           "<th scope=\"col\">Class</th><th scope=\"col\">Site</th><th scope=\"col\">Caller</th>"
           "<th scope=\"col\">Callback</th><th scope=\"col\">Location</th><th scope=\"col\">Dispatchable</th>"
           "<th scope=\"col\">Notified</th><th scope=\"col\">Alerts delivered</th><th scope=\"col\">Failed</th>"
           "<th scope=\"col\">Escalated</th><th scope=\"col\">First alert</th></tr></thead>\n<tbody>\n";
    for (const auto& c : view.calls) out += call_row(c);
    out += "</tbody>\n</table>\n";
  }
  if (!view.next_cursor.empty()) {
    net::QueryParams next = view.params;
    next["cursor"] = view.next_cursor;
    out += "<p class=\"paging\"><a href=\"" + html_escape(net::link_with_query(kCallsPath, next)) +
           "\" id=\"next-page\" rel=\"next\">Next page</a></p>\n";
  }
  return out;
}

}  // namespace e911::auditor::console
