#include "common/sql/rows.h"
#include "consumers/auditor/query/call_query.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <variant>

#include "common/text.h"
#include "consumers/auditor/query/call_sql.h"
#include "consumers/auditor/query/page_cursor.h"
#include "consumers/auditor/query/sql_conditions.h"
#include "consumers/auditor/store/entry_rows.h"

namespace e911::auditor {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;

namespace {

// "%" + `text` with \, % and _ escaped + "%": a LIKE pattern (ESCAPE '\')
// matching `text` anywhere, taken literally.
std::string substring_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace

Conditions call_conditions(const CallFilter& f) {
  Conditions c;
  if (f.from) c.add("occurred_at >= ?", {Poco::Int64{*f.from}});
  if (f.to) c.add("occurred_at < ?", {Poco::Int64{*f.to}});
  if (f.site) c.add("site_id = ?", {*f.site});
  if (f.caller) {
    // Exact ids and numbers; the name case-insensitively, anywhere in it.
    c.add(
        "(caller_user_id = ? OR caller_extension = ? OR callback = ? OR LOWER(caller_name) LIKE LOWER(?) ESCAPE "
        "'\\')",
        {*f.caller, *f.caller, *f.caller, substring_pattern(*f.caller)});
  }
  if (f.call_class) c.add("call_class = ?", {*f.call_class});
  if (f.dispatchable) {
    // Unknown (no location journaled) counts as not dispatchable.
    c.add(*f.dispatchable ? "dispatchable = 1" : "(dispatchable = 0 OR dispatchable IS NULL)");
  }
  if (f.notified) c.add("notified = ?", {Poco::Int64{*f.notified ? 1 : 0}});
  if (f.elin) c.add("elin = ?", {*f.elin});
  if (f.failed) c.add(*f.failed ? "alerts_failed > 0" : "alerts_failed = 0");
  if (f.escalated) c.add(*f.escalated ? "alerts_escalated > 0" : "alerts_escalated = 0");
  if (f.sites) {
    if (f.sites->empty()) {
      c.add("1 = 0");
    } else {
      // One placeholder per site, each bound.
      std::string in = "site_id IN (";
      std::vector<SqlParam> values;
      for (const auto& site : *f.sites) {
        in += values.empty() ? "?" : ", ?";
        values.emplace_back(site);
      }
      c.add(in + ")", std::move(values));
    }
  }
  return c;
}

namespace {

// ---- reading rows ----

using sql::optional_i64;
using sql::str;
std::int64_t whole(Poco::Data::RecordSet& rs, std::size_t col) { return optional_i64(rs, col).value_or(0); }

std::vector<std::string> split_codes(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < joined.size()) {
    auto end = joined.find(',', start);
    if (end == std::string::npos) end = joined.size();
    if (end > start) out.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

const char* const kCallColumns =
    "call_id, call_class, dialed, occurred_at, site_id, caller_user_id, caller_name, caller_extension, callback, "
    "location_source, location_label, location_address, dispatchable, warnings, routing, notify_list, alerts_total, "
    "alerts_delivered, alerts_failed, alerts_escalated, first_alert_latency_ms, acknowledged_at, acknowledged_by, "
    "notified, all_delivered, elin, location_validated";

std::vector<CallRow> read_call_rows(Poco::Data::Statement& stmt) {
  std::vector<CallRow> out;
  Poco::Data::RecordSet rs(stmt);
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    CallRow r;
    r.call_id = str(rs, 0);
    r.call_class = str(rs, 1);
    r.dialed = str(rs, 2);
    r.occurred_at = optional_i64(rs, 3);
    r.site_id = str(rs, 4);
    r.caller_user_id = str(rs, 5);
    r.caller_name = str(rs, 6);
    r.caller_extension = str(rs, 7);
    r.callback = str(rs, 8);
    r.location_source = str(rs, 9);
    r.location_label = str(rs, 10);
    r.location_address = str(rs, 11);
    if (const auto d = optional_i64(rs, 12)) r.dispatchable = *d != 0;
    r.warnings = split_codes(str(rs, 13));
    r.routing = str(rs, 14);
    r.notify_list = str(rs, 15);
    r.alerts_total = static_cast<int>(whole(rs, 16));
    r.alerts_delivered = static_cast<int>(whole(rs, 17));
    r.alerts_failed = static_cast<int>(whole(rs, 18));
    r.alerts_escalated = static_cast<int>(whole(rs, 19));
    r.first_alert_latency_ms = optional_i64(rs, 20);
    r.acknowledged_at = optional_i64(rs, 21);
    r.acknowledged_by = str(rs, 22);
    r.notified = whole(rs, 23) != 0;
    r.all_delivered = whole(rs, 24) != 0;
    r.elin = str(rs, 25);
    if (const auto v = optional_i64(rs, 26)) r.location_validated = *v != 0;
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

std::vector<CallRow> select_calls(AuditStore& store, const std::string& statement, const std::vector<SqlParam>& params) {
  std::vector<CallRow> rows;
  store.with_connection("query calls", [&](Poco::Data::Session& session) {
    Poco::Data::Statement stmt(session);
    stmt << store.sql(statement);
    bind_all(stmt, params);
    stmt.execute();
    rows = read_call_rows(stmt);
  });
  return rows;
}

std::optional<Error> check_filter(const CallFilter& f) {
  if (f.site && f.site->empty()) return Error{"site: empty"};
  if (f.caller && f.caller->empty()) return Error{"caller: empty"};
  if (f.elin && f.elin->empty()) return Error{"elin: empty"};
  if (f.call_class && *f.call_class != "emergency" && *f.call_class != "test") {
    return Error{"class: expected emergency or test, got " + quote_for_message(*f.call_class)};
  }
  if (f.from && f.to && *f.to <= *f.from) return Error{"to: must be after from"};
  return std::nullopt;
}

// ---- percentiles ----

// Nearest rank: the smallest value with at least p% of the values at or
// below it (the ceil(p/100 * n)-th smallest). Sorts `values`.
LatencySummary summarize(std::vector<std::int64_t>& values) {
  LatencySummary s;
  s.count = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const auto nth = [&](std::size_t percent) {
    const std::size_t rank = (percent * values.size() + 99) / 100;  // ceil, >= 1
    return values[std::max<std::size_t>(rank, 1) - 1];
  };
  s.p50_ms = nth(50);
  s.p95_ms = nth(95);
  s.max_ms = values.back();
  return s;
}

}  // namespace

Result<CallPage> query_calls(AuditStore& store, const CallFilter& filter, const PageRequest& page) {
  if (page.limit < 1 || page.limit > kMaxPageSize) {
    return Error{"limit: expected 1 to " + std::to_string(kMaxPageSize) + ", got " + std::to_string(page.limit)};
  }
  if (const auto e = check_filter(filter)) return *e;
  std::optional<CallPosition> after;
  if (!page.cursor.empty()) {
    auto decoded = decode_call_cursor(page.cursor);
    if (!decoded) return decoded.error();
    after = std::move(*decoded);
  }
  // One row more than asked says whether there is a next page.
  const std::size_t wanted = page.limit + 1;
  std::vector<CallRow> rows;

  // Calls with a time, in (occurred_at, call_id) order: one range of
  // audit_calls_by_time (or audit_calls_by_site with a site).
  if (!after || after->occurred_at) {
    auto c = call_conditions(filter);
    if (after) {
      // The range starts at the cursor's time; the rows of that very
      // millisecond up to the cursor's call are skipped.
      c.add("occurred_at >= ?", {Poco::Int64{*after->occurred_at}});
      c.add("(occurred_at > ? OR call_id > ?)", {Poco::Int64{*after->occurred_at}, after->call_id});
    } else if (!filter.from && !filter.to) {
      c.add("occurred_at IS NOT NULL");
    }
    c.params.emplace_back(Poco::Int64(static_cast<Poco::Int64>(wanted)));
    rows = select_calls(store,
                        std::string("SELECT ") + kCallColumns + " FROM audit_calls" + c.where() +
                            " ORDER BY occurred_at, call_id LIMIT ?",
                        c.params);
  }
  // Then calls without a time (not journaled yet; notifications came
  // first), by call_id. A time range leaves them out.
  if (rows.size() < wanted && !filter.from && !filter.to) {
    auto c = call_conditions(filter);
    c.add("occurred_at IS NULL");
    if (after && !after->occurred_at) c.add("call_id > ?", {after->call_id});
    c.params.emplace_back(Poco::Int64(static_cast<Poco::Int64>(wanted - rows.size())));
    auto more = select_calls(
        store, std::string("SELECT ") + kCallColumns + " FROM audit_calls" + c.where() + " ORDER BY call_id LIMIT ?",
        c.params);
    for (auto& r : more) rows.push_back(std::move(r));
  }

  CallPage out;
  if (rows.size() > page.limit) {
    rows.resize(page.limit);
    out.next_cursor = encode_call_cursor({rows.back().occurred_at, rows.back().call_id});
  }
  out.calls = std::move(rows);
  return out;
}

std::optional<CallDetail> call_detail(AuditStore& store, const std::string& call_id) {
  auto calls = select_calls(store, std::string("SELECT ") + kCallColumns + " FROM audit_calls WHERE call_id = ?",
                            {call_id});
  if (calls.empty()) return std::nullopt;
  CallDetail d;
  d.call = std::move(calls.front());
  store.with_connection("call detail", [&](Poco::Data::Session& session) {
    {
      Poco::Data::Statement stmt(session);
      stmt << store.sql(
                  "SELECT notification_id, list, recipient_name, recipient_address, channel, attempts, status, "
                  "last_at, delivered_at, delivered_latency_ms, escalated_to, acknowledged_at, acknowledged_by, error "
                  "FROM audit_alerts WHERE call_id = ? "
                  "ORDER BY COALESCE(list, ''), COALESCE(recipient_name, ''), COALESCE(recipient_address, ''), "
                  "last_at, channel, notification_id"),
          bind(call_id);
      stmt.execute();
      Poco::Data::RecordSet rs(stmt);
      for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        AlertRow a;
        a.notification_id = str(rs, 0);
        a.list = str(rs, 1);
        a.recipient_name = str(rs, 2);
        a.recipient_address = str(rs, 3);
        a.channel = str(rs, 4);
        a.attempts = static_cast<int>(whole(rs, 5));
        a.status = str(rs, 6);
        a.last_at = whole(rs, 7);
        a.delivered_at = optional_i64(rs, 8);
        a.delivered_latency_ms = optional_i64(rs, 9);
        a.escalated_to = str(rs, 10);
        a.acknowledged_at = optional_i64(rs, 11);
        a.acknowledged_by = str(rs, 12);
        a.error = str(rs, 13);
        d.alerts.push_back(std::move(a));
      }
    }
    Poco::Data::Statement stmt(session);
    stmt << store.sql(std::string("SELECT ") + kAuditEntryColumns + " FROM audit_entries WHERE call_id = ? ORDER BY seq"),
        bind(call_id);
    stmt.execute();
    d.entries = entries_of_rows(stmt);
  });
  return d;
}

double ComplianceFigures::dispatchable_percent() const {
  return emergency_calls == 0 ? 0.0 : 100.0 * static_cast<double>(dispatchable) / static_cast<double>(emergency_calls);
}
double ComplianceFigures::notified_percent() const {
  return emergency_calls == 0 ? 0.0 : 100.0 * static_cast<double>(notified) / static_cast<double>(emergency_calls);
}

namespace {

// SQL counting the emergency calls whose warnings (codes joined by ',')
// include `code` (a constant of ours, never input).
std::string with_warning(const std::string& code) {
  return "SUM(CASE WHEN call_class = 'emergency' AND (',' || COALESCE(warnings, '') || ',') LIKE '%," + code +
         ",%' THEN 1 ELSE 0 END)";
}

}  // namespace

ComplianceReport compliance_report(AuditStore& store, const CallFilter& filter,
                                   std::vector<std::int64_t>* emergency_latencies_ms) {
  ComplianceReport report;
  report.filter.from = filter.from;
  report.filter.to = filter.to;
  report.filter.site = filter.site;
  report.filter.call_class = filter.call_class;
  report.filter.sites = filter.sites;
  CallFilter covered = report.filter;  // caller, dispatchable, notified do not restrict a report
  const auto c = call_conditions(covered);

  std::map<std::string, ComplianceFigures> by_site;
  std::map<std::string, std::vector<std::int64_t>> latencies;
  std::vector<std::int64_t> all_latencies;
  store.with_connection("compliance report", [&](Poco::Data::Session& session) {
    {
      // Everything but the percentiles: one aggregate pass over the range.
      // SUMs are over integer expressions (SUM of a BIGINT would be
      // NUMERIC in PostgreSQL).
      Poco::Data::Statement stmt(session);
      stmt << store.sql(
          "SELECT COALESCE(site_id, ''), "
          "SUM(CASE WHEN call_class = 'emergency' THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN call_class = 'test' THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN call_class = 'emergency' AND dispatchable = 1 THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN call_class = 'emergency' AND notified = 1 THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN call_class = 'emergency' AND all_delivered = 1 THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN call_class = 'emergency' THEN alerts_failed ELSE 0 END), "
          "SUM(CASE WHEN call_class = 'emergency' THEN alerts_escalated ELSE 0 END), " +
          with_warning("callback-missing") + ", " + with_warning("callback-shared") + ", " +
          with_warning("elin-reused") +
          " FROM audit_calls" +
          c.where() + " GROUP BY COALESCE(site_id, '')");
      bind_all(stmt, c.params);
      stmt.execute();
      Poco::Data::RecordSet rs(stmt);
      for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        ComplianceFigures f;
        f.site_id = str(rs, 0);
        f.emergency_calls = static_cast<std::size_t>(whole(rs, 1));
        f.test_calls = static_cast<std::size_t>(whole(rs, 2));
        f.dispatchable = static_cast<std::size_t>(whole(rs, 3));
        f.notified = static_cast<std::size_t>(whole(rs, 4));
        f.all_delivered = static_cast<std::size_t>(whole(rs, 5));
        f.alerts_failed = static_cast<std::size_t>(whole(rs, 6));
        f.alerts_escalated = static_cast<std::size_t>(whole(rs, 7));
        f.callback_missing = static_cast<std::size_t>(whole(rs, 8));
        f.callback_shared = static_cast<std::size_t>(whole(rs, 9));
        f.elin_reused = static_cast<std::size_t>(whole(rs, 10));
        by_site[f.site_id] = std::move(f);
      }
    }
    // The latencies, for nearest-rank percentiles (one integer per
    // notified emergency call in the range).
    auto lc = c;
    lc.add("call_class = 'emergency'");
    lc.add("first_alert_latency_ms IS NOT NULL");
    std::vector<std::string> sites;
    std::vector<Poco::Int64> values;
    Poco::Data::Statement stmt(session);
    stmt << store.sql("SELECT COALESCE(site_id, ''), first_alert_latency_ms FROM audit_calls" + lc.where()),
        into(sites), into(values);
    bind_all(stmt, lc.params);
    stmt.execute();
    all_latencies.reserve(values.size());
    for (std::size_t i = 0; i < values.size() && i < sites.size(); ++i) {
      latencies[sites[i]].push_back(values[i]);
      all_latencies.push_back(values[i]);
    }
  });

  auto& overall = report.overall;
  for (auto& [site, f] : by_site) {
    overall.emergency_calls += f.emergency_calls;
    overall.test_calls += f.test_calls;
    overall.dispatchable += f.dispatchable;
    overall.notified += f.notified;
    overall.all_delivered += f.all_delivered;
    overall.alerts_failed += f.alerts_failed;
    overall.alerts_escalated += f.alerts_escalated;
    overall.callback_missing += f.callback_missing;
    overall.callback_shared += f.callback_shared;
    overall.elin_reused += f.elin_reused;
    if (site.empty()) continue;  // calls without a site count in the overall figures only
    f.alert_latency = summarize(latencies[site]);
    report.sites.push_back(std::move(f));
  }
  overall.alert_latency = summarize(all_latencies);
  if (emergency_latencies_ms) *emergency_latencies_ms = std::move(all_latencies);
  return report;
}

}  // namespace e911::auditor
