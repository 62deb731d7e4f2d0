#include "consumers/auditor/report/report_document.h"

#include <utility>

#include "common/text.h"
#include "consumers/auditor/query/output_text.h"
#include "consumers/auditor/report/compliance_charts.h"

namespace e911::auditor {

namespace {

using Kind = ReportBlock::Kind;

std::string date_of(EpochMillis t) { return format_rfc3339(t).substr(0, 10); }

// A midnight as its date; another time in full.
std::string moment(EpochMillis t) {
  const auto text = format_rfc3339(t);
  return text.substr(10) == "T00:00:00.000Z" ? text.substr(0, 10) : text;
}

// Control characters (a hostile site id or reason) become spaces: a line
// of the report stays one line.
std::string one_line(std::string_view text) { return tty_text(text); }

std::string count_and_percent(std::size_t n, double percent) {
  return std::to_string(n) + " (" + percent_text(percent) + " %)";
}

std::string latency_text(const LatencySummary& l) {
  if (l.count == 0) return "-";
  const auto s = [](const std::optional<std::int64_t>& ms) { return ms ? seconds_text(*ms) : std::string("-"); };
  return s(l.p50_ms) + " / " + s(l.p95_ms) + " / " + s(l.max_ms) + " s";
}

ReportBlock heading(std::string text) { return {Kind::heading, std::move(text), {}, {}, {}}; }
ReportBlock paragraph(std::string text) { return {Kind::paragraph, std::move(text), {}, {}, {}}; }
ReportBlock monospace(std::string text) { return {Kind::monospace, std::move(text), {}, {}, {}}; }
ReportBlock chart_block(Chart chart) { return {Kind::chart, {}, {}, {}, std::move(chart)}; }

ReportBlock figures_table(const ComplianceReport& report) {
  ReportBlock t{Kind::table, {}, {}, {0.15, 0.09, 0.06, 0.13, 0.13, 0.1, 0.16, 0.09, 0.09}, {}};
  t.rows.push_back({"scope", "emergency", "test", "dispatchable", "notified", "all delivered",
                    "latency p50 / p95 / max", "alerts failed", "escalated"});
  const auto row = [&](const ComplianceFigures& f) {
    t.rows.push_back({f.site_id.empty() ? "overall" : one_line(f.site_id), std::to_string(f.emergency_calls),
                      std::to_string(f.test_calls), count_and_percent(f.dispatchable, f.dispatchable_percent()),
                      count_and_percent(f.notified, f.notified_percent()), std::to_string(f.all_delivered),
                      latency_text(f.alert_latency), std::to_string(f.alerts_failed),
                      std::to_string(f.alerts_escalated)});
  };
  row(report.overall);
  for (const auto& s : report.sites) row(s);
  return t;
}

std::string registrations_text(const RegistrationStatus& r) {
  if (r.users == 0) {
    return "No registered locations are journaled as of " + moment(r.as_of) +
           ": no location service feeds this journal, or no user has registered.";
  }
  return "As of " + moment(r.as_of) + " (all sites), users with a registered location journaled: " +
         std::to_string(r.users) + "; " + std::to_string(r.registered) + " registered, " + std::to_string(r.withdrawn) +
         " withdrawn. Of those registered, " +
         std::to_string(r.stale) + " stale (registered more than " + hours_text(r.stale_after) + " before), " + std::to_string(r.not_validated) + " not validated by an address provider, " +
         std::to_string(r.not_dispatchable) + " not dispatchable.";
}

void failing_section(ReportDocument& doc, const ComplianceOverview& o, const ReportContext& ctx) {
  doc.blocks.push_back(heading("Emergency calls not dispatchable or not notified"));
  if (o.failing_total == 0) {
    doc.blocks.push_back(paragraph("None: every emergency call in the period was dispatchable and notified."));
    return;
  }
  std::string intro = std::to_string(o.failing_total) + (o.failing_total == 1 ? " call" : " calls");
  if (o.failing_calls.size() < o.failing_total) {
    intro += "; the first " + std::to_string(o.failing_calls.size()) + " are listed, " +
             std::to_string(o.failing_total - o.failing_calls.size()) + " more are not. All of them as CSV:";
  } else {
    intro += ", oldest first.";
  }
  doc.blocks.push_back(paragraph(intro));
  if (o.failing_calls.size() < o.failing_total) {
    for (const auto& command : ctx.csv_commands) doc.blocks.push_back(monospace(command));
  }
  ReportBlock t{Kind::table, {}, {}, {0.17, 0.25, 0.14, 0.1, 0.34}, {}};
  t.rows.push_back({"call", "time (UTC)", "site", "location", "why"});
  for (const auto& f : o.failing_calls) {
    const auto& c = f.call;
    t.rows.push_back({one_line(c.call_id), c.occurred_at ? format_rfc3339(*c.occurred_at) : "-",
                      c.site_id.empty() ? "-" : one_line(c.site_id),
                      c.location_source.empty() ? "none" : one_line(c.location_source), one_line(join(f.reasons, "; "))});
  }
  doc.blocks.push_back(std::move(t));
}

void verification_section(ReportDocument& doc, const ReportContext& ctx) {
  doc.blocks.push_back(heading("Journal verification"));
  if (!ctx.verification) {
    doc.blocks.push_back(paragraph("Not verified: " + ctx.not_verified));
  } else {
    const auto& v = ctx.verification->result;
    const std::string purged =
        v.purged > 0 ? " (" + std::to_string(v.purged) + " purged seqs accounted for by purge entries)" : "";
    if (v.ok) {
      doc.blocks.push_back(paragraph("Intact: " + std::to_string(v.entries) + " entries verified" + purged +
                                     ": every hash, link and signature recomputed at " +
                                     moment(ctx.verification->verified_at ? ctx.verification->verified_at
                                                                          : ctx.generated_at) +
                                     "."));
    } else {
      doc.blocks.push_back(paragraph("FAILED: " + one_line(v.reason) + ". " + std::to_string(v.entries) +
                                     " entries verified before it" + purged + "."));
    }
    doc.blocks.push_back(paragraph(v.ok ? "Journal head (keep it elsewhere: entries cut off the end show only against a copy):"
                                        : "Last verified entry:"));
    doc.blocks.push_back(monospace(v.last_seq == 0 ? "head: none" : "head: seq " + std::to_string(v.last_seq) + " " + v.last_hash));
    doc.blocks.push_back(paragraph("Signing key ids: " +
                                   (ctx.verification->key_ids.empty() ? std::string("none") : one_line(join(ctx.verification->key_ids, ", "))) + "."));
  }
  doc.blocks.push_back(heading("To verify this journal again"));
  doc.blocks.push_back(paragraph("With the configuration that holds the verification keys (auditor.keyring), run:"));
  doc.blocks.push_back(monospace(ctx.verify_command));
  doc.blocks.push_back(paragraph("It prints the entries verified and the head; the head must be the one above, or a "
                                 "later seq whose chain passes through it."));
}

}  // namespace

std::string period_text(const CallFilter& filter) {
  if (!filter.from && !filter.to) return "all time";
  // `to` is exclusive: a period ending at midnight ends the day before.
  const auto end = [](EpochMillis to) {
    const auto text = format_rfc3339(to);
    return text.substr(10) == "T00:00:00.000Z" ? date_of(to - 1) : text + " (exclusive)";
  };
  if (!filter.to) return "from " + moment(*filter.from) + " (UTC)";
  if (!filter.from) return "until " + end(*filter.to) + " (UTC)";
  return moment(*filter.from) + " to " + end(*filter.to) + " (UTC)";
}

ReportDocument compliance_report_document(const ComplianceOverview& o, const ReportContext& ctx) {
  ReportDocument doc;
  doc.title = "Emergency call compliance report";
  const auto period = period_text(o.report.filter);
  const auto org = ctx.organisation.empty() ? std::string() : one_line(ctx.organisation);
  doc.running_head = (org.empty() ? "" : org + " - ") + "compliance report, " + period;

  doc.blocks.push_back(heading(doc.title));
  std::string sites;
  if (o.report.filter.site) {
    sites = one_line(*o.report.filter.site) + " (this report covers that site only)";
  } else {
    std::vector<std::string> ids;
    for (const auto& s : o.report.sites) ids.push_back(one_line(s.site_id));
    sites = ids.empty() ? "none with calls in the period" : join(ids, ", ");
  }
  ReportBlock facts{Kind::table, {}, {}, {0.2, 0.8}, {}};
  facts.header_row = false;
  if (!org.empty()) facts.rows.push_back({"Organisation", org});
  facts.rows.push_back({"Period", period});
  facts.rows.push_back({"Sites", sites});
  facts.rows.push_back({"Journal", one_line(ctx.store)});
  facts.rows.push_back({"Generated", format_rfc3339(ctx.generated_at)});
  doc.blocks.push_back(std::move(facts));

  doc.blocks.push_back(heading("Figures"));
  doc.blocks.push_back(paragraph(
      "Percentages are of emergency calls. Dispatchable: a dispatchable location was conveyed. Notified: at least "
      "one alert was accepted by its channel. Latency: from the call to the first alert accepted, nearest-rank "
      "percentiles. Calls without a site count in the overall figures only."));
  doc.blocks.push_back(figures_table(o.report));

  doc.blocks.push_back(heading("Charts"));
  const Chart charts[] = {site_compliance_chart(o.report), latency_histogram_chart(o.latency_histogram),
                          calls_per_day_chart(o.calls_per_day)};
  for (const auto& chart : charts) {
    doc.blocks.push_back(chart_block(chart));
    doc.blocks.push_back(paragraph(one_line(chart.description)));
  }
  if (o.days_cut > 0) {
    doc.blocks.push_back(paragraph("Calls per day shows the last " + std::to_string(o.calls_per_day.size()) +
                                   " days; the " + std::to_string(o.days_cut) + " days before are left out."));
  }

  if (ctx.registrations) {
    doc.blocks.push_back(heading("Registered locations"));
    doc.blocks.push_back(paragraph(registrations_text(o.registrations)));
  }

  failing_section(doc, o, ctx);
  verification_section(doc, ctx);
  return doc;
}

}  // namespace e911::auditor
