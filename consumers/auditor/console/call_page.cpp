// One call's page (console_pages.h): facts, the location conveyed with its
// PIDF-LO, the alerts, acknowledgement and escalation, and the journal
// entries with their hashes and checks.

#include <rapidjson/document.h>

#include "common/civic_address.h"
#include "common/pidf_lo.h"
#include "common/text.h"
#include "consumers/auditor/console/console_pages.h"
#include "consumers/auditor/console/page_parts.h"
#include "consumers/auditor/query/call_rendering.h"

namespace e911::auditor::console {

namespace {

using html::cell;

std::string fact(std::string_view term, std::string_view value, std::string_view id = "") {
  std::string out = "<dt>" + html_escape(term) + "</dt><dd";
  if (!id.empty()) out += " id=\"" + html_escape(id) + "\"";
  return out + ">" + html_escape(value.empty() ? std::string_view("—") : value) + "</dd>\n";
}

// The PIDF-LO of the call's latest location.conveyed entry, if it has one.
std::string conveyed_pidf_lo(const CallDetail& d) {
  std::string pidf;
  for (const auto& e : d.entries) {
    if (e.kind != entry_kind::kLocationConveyed) continue;
    rapidjson::Document doc;
    doc.Parse(e.payload.data(), e.payload.size());
    if (doc.HasParseError() || !doc.IsObject()) continue;
    const auto it = doc.FindMember("pidf_lo");
    if (it != doc.MemberEnd() && it->value.IsString()) pidf.assign(it->value.GetString(), it->value.GetStringLength());
  }
  return pidf;
}

std::string pidf_section(const std::string& pidf) {
  std::string out = "<section aria-labelledby=\"h-pidf\"><h2 id=\"h-pidf\">PIDF-LO conveyed</h2>\n";
  if (pidf.empty()) return out + "<p id=\"pidf-none\">No PIDF-LO was conveyed with this call.</p></section>\n";
  std::string error;
  const auto parsed = parse_pidf_lo(pidf, error);
  if (!parsed) {
    out += "<p class=\"problem\">It cannot be read: " + html_escape(error) + "</p>\n";
  } else {
    out += "<dl class=\"facts\" id=\"pidf-readable\">\n";
    out += fact("Entity", parsed->entity);
    if (parsed->address) {
      for (const auto& f : civic_fields()) {
        const std::string& v = (*parsed->address).*(f.member);
        if (!v.empty()) out += fact(std::string(f.json_name) + " (" + std::string(f.pidf_element) + ")", v);
      }
    }
    if (parsed->geo) {
      std::string g = std::to_string(parsed->geo->lat) + ", " + std::to_string(parsed->geo->lon);
      if (parsed->geo->accuracy_m) g += " ± " + std::to_string(static_cast<long long>(*parsed->geo->accuracy_m)) + " m";
      out += fact("Position (WGS 84)", g);
    }
    if (!parsed->method.empty()) out += fact("Method", parsed->method);
    out += "</dl>\n";
  }
  out += "<details><summary>Raw PIDF-LO</summary><pre id=\"pidf-raw\">" + html_escape(pidf) + "</pre></details>\n";
  return out + "</section>\n";
}

std::string alerts_section(const CallDetail& d) {
  std::string out = "<section aria-labelledby=\"h-alerts\"><h2 id=\"h-alerts\">Alerts</h2>\n";
  if (d.alerts.empty()) return out + "<p id=\"no-alerts\">No alert was journaled for this call.</p></section>\n";
  out += "<table id=\"alerts\"><thead><tr><th scope=\"col\">Recipient</th><th scope=\"col\">Address</th>"
         "<th scope=\"col\">Channel</th><th scope=\"col\">List</th><th scope=\"col\">Attempts</th>"
         "<th scope=\"col\">Outcome</th><th scope=\"col\">Delivered</th><th scope=\"col\">Latency</th>"
         "<th scope=\"col\">Escalated to</th><th scope=\"col\">Acknowledged</th><th scope=\"col\">Error</th>"
         "</tr></thead>\n<tbody>\n";
  for (const auto& a : d.alerts) {
    out += "<tr>" + cell(a.recipient_name) + cell(a.recipient_address) + cell(a.channel) + cell(a.list) +
           cell(std::to_string(a.attempts)) + cell(a.status) + cell(html::time_text(a.delivered_at)) +
           cell(html::latency_text(a.delivered_latency_ms)) + cell(a.escalated_to);
    std::string ack = html::time_text(a.acknowledged_at);
    if (!a.acknowledged_by.empty()) ack += (ack.empty() ? "" : " by ") + a.acknowledged_by;
    out += cell(ack) + cell(a.error) + "</tr>\n";
  }
  return out + "</tbody></table></section>\n";
}

std::string entries_section(const CallView& v) {
  const auto& d = v.detail;
  std::string out = "<section aria-labelledby=\"h-entries\"><h2 id=\"h-entries\">Journal entries</h2>\n";
  if (v.chain) {
    out += v.chain->ok ? "<p id=\"chain-status\" class=\"ok\">The whole journal verified up to seq " +
                             std::to_string(v.chain->last_seq) + ".</p>\n"
                       : "<p id=\"chain-status\" class=\"problem\">The journal does NOT verify: " +
                             html_escape(v.chain->reason) + "</p>\n";
  }
  out += "<table id=\"entries\"><thead><tr><th scope=\"col\">Seq</th><th scope=\"col\">Written (UTC)</th>"
         "<th scope=\"col\">Kind</th><th scope=\"col\">Hash</th><th scope=\"col\">Key</th>"
         "<th scope=\"col\">Verifies</th><th scope=\"col\">Content</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < d.entries.size(); ++i) {
    const auto& e = d.entries[i];
    const EntryCheck check = i < v.checks.size() ? v.checks[i] : EntryCheck{false, "not checked"};
    out += "<tr>" + cell(std::to_string(e.seq)) + cell(format_rfc3339(e.at)) + cell(e.kind) +
           "<td><code class=\"hash\">" + html_escape(e.hash) + "</code></td>" + cell(e.key_id);
    out += check.ok ? "<td class=\"ok\">yes</td>" : "<td class=\"problem\">no: " + html_escape(check.problem) + "</td>";
    out += "<td><details><summary>payload</summary><pre>" + html_escape(e.payload) + "</pre></details></td></tr>\n";
  }
  return out + "</tbody></table></section>\n";
}

}  // namespace

std::string call_body(const CallView& view) {
  const CallRow& c = view.detail.call;
  std::string out = "<h1>Call <span id=\"call-id\">" + html_escape(c.call_id) + "</span></h1>\n";
  out += "<section aria-labelledby=\"h-call\"><h2 id=\"h-call\">The call</h2><dl class=\"facts\">\n";
  out += fact("Class", c.call_class, "call-class");
  out += fact("Dialed", c.dialed);
  out += fact("Time (UTC)", html::time_text(c.occurred_at));
  out += fact("Site", c.site_id, "call-site");
  out += fact("Caller", c.caller_name, "caller-name");
  out += fact("User id", c.caller_user_id);
  out += fact("Extension", c.caller_extension);
  out += fact("Callback", c.callback);
  out += fact("ELIN conveyed", c.elin);
  out += fact("Routing", c.routing);
  out += fact("Notification list", c.notify_list);
  out += "</dl></section>\n";

  out += "<section aria-labelledby=\"h-location\"><h2 id=\"h-location\">Location conveyed</h2><dl class=\"facts\">\n";
  out += fact("Source", c.location_source, "location-source");
  out += fact("Label", c.location_label);
  out += fact("Address", c.location_address, "location-address");
  out += fact("Dispatchable", html::yes_no(c.dispatchable), "dispatchable");
  if (c.location_validated) out += fact("Registered address validated", html::yes_no(c.location_validated));
  out += "</dl>\n";
  if (c.warnings.empty()) {
    out += "<p id=\"warnings\">No warnings.</p>\n";
  } else {
    out += "<ul id=\"warnings\" class=\"warnings\">";
    for (const auto& w : c.warnings) {
      out += "<li><code>" + html_escape(w) + "</code> " + html_escape(warning_words(w, c)) + "</li>";
    }
    out += "</ul>\n";
  }
  out += "</section>\n";
  out += pidf_section(conveyed_pidf_lo(view.detail));
  out += alerts_section(view.detail);

  out += "<section aria-labelledby=\"h-outcome\"><h2 id=\"h-outcome\">Acknowledgement and escalation</h2>"
         "<dl class=\"facts\">\n";
  out += fact("Notified", c.notified ? "yes" : "no", "notified");
  out += fact("Alerts delivered", std::to_string(c.alerts_delivered) + " of " + std::to_string(c.alerts_total));
  out += fact("First alert after", html::latency_text(c.first_alert_latency_ms));
  out += fact("Alerts failed", std::to_string(c.alerts_failed));
  out += fact("Alerts escalated", std::to_string(c.alerts_escalated));
  std::string ack = html::time_text(c.acknowledged_at);
  if (!c.acknowledged_by.empty()) ack += (ack.empty() ? "" : " by ") + c.acknowledged_by;
  out += fact("Acknowledged", ack, "acknowledged");
  out += "</dl></section>\n";
  out += entries_section(view);
  return out;
}

}  // namespace e911::auditor::console
