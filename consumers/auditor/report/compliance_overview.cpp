#include "consumers/auditor/report/compliance_overview.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "common/sql/rows.h"
#include "consumers/auditor/query/call_sql.h"
#include "consumers/auditor/query/registration_query.h"

namespace e911::auditor {

namespace {

using Poco::Data::Keywords::into;

// Emergency calls that were not dispatchable (or not known) or not
// notified: the calls the report lists. Fixed SQL text.
constexpr const char* kFailing =
    "call_class = 'emergency' AND (dispatchable = 0 OR dispatchable IS NULL OR notified = 0)";

std::size_t count_of(Poco::Data::RecordSet& rs, std::size_t col) {
  return static_cast<std::size_t>(sql::optional_i64(rs, col).value_or(0));
}

RegistrationStatus registrations_as_of(AuditStore& store, EpochMillis as_of, EpochMillis stale_after) {
  RegistrationFilter filter;
  filter.until = as_of;
  PageRequest page{kMaxPageSize, ""};
  std::vector<RegistrationRow> latest;
  for (;;) {
    auto result = query_registrations(store, filter, page);
    if (!result) throw std::runtime_error("registrations: " + result.error().message);
    for (auto& row : result->rows) latest.push_back(std::move(row));
    if (result->next_cursor.empty()) break;
    page.cursor = result->next_cursor;
  }
  return registration_status(latest, as_of, stale_after);
}

}  // namespace

ComplianceOverview compliance_overview(AuditStore& store, const CallFilter& filter, const OverviewOptions& options) {
  ComplianceOverview out;
  std::vector<std::int64_t> latencies;
  out.report = compliance_report(store, filter, &latencies);
  const auto c = call_conditions(out.report.filter);  // from, to, site, class: what the report covers

  std::vector<DayCount> counted;
  store.with_connection("compliance overview", [&](Poco::Data::Session& session) {
    {
      // Calls per UTC day: integer division of epoch milliseconds in both
      // databases (BIGINT / integer).
      auto dc = c;
      dc.add("occurred_at IS NOT NULL");
      Poco::Data::Statement stmt(session);
      stmt << store.sql(
          "SELECT occurred_at / 86400000, "
          "SUM(CASE WHEN call_class = 'emergency' THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN call_class = 'test' THEN 1 ELSE 0 END) "
          "FROM audit_calls" + dc.where() + " GROUP BY occurred_at / 86400000");
      bind_all(stmt, dc.params);
      stmt.execute();
      Poco::Data::RecordSet rs(stmt);
      for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        counted.push_back({sql::i64(rs, 0) * kUtcDayMillis, count_of(rs, 1), count_of(rs, 2)});
      }
    }
    auto fc = c;
    fc.add(kFailing);
    {
      Poco::Data::Statement stmt(session);
      stmt << store.sql("SELECT COUNT(*) FROM audit_calls" + fc.where());
      bind_all(stmt, fc.params);
      stmt.execute();
      Poco::Data::RecordSet rs(stmt);
      if (rs.moveFirst()) out.failing_total = count_of(rs, 0);
    }
    if (options.failing_limit > 0) {
      auto params = fc.params;
      params.emplace_back(Poco::Int64(static_cast<Poco::Int64>(options.failing_limit)));
      Poco::Data::Statement stmt(session);
      // A call without a time sorts first in both databases (NULL sorts
      // differently in each).
      stmt << store.sql(std::string("SELECT ") + kCallColumns + " FROM audit_calls" + fc.where() +
                        " ORDER BY COALESCE(occurred_at, -1), call_id LIMIT ?");
      bind_all(stmt, params);
      stmt.execute();
      for (auto& row : read_call_rows(stmt)) {
        auto reasons = failing_reasons(row);
        out.failing_calls.push_back({std::move(row), std::move(reasons)});
      }
    }
  });

  out.latency_histogram = latency_histogram(latencies);
  out.calls_per_day = day_series(counted, filter.from, filter.to, options.max_days, &out.days_cut);
  const EpochMillis now = options.now != 0 ? options.now : now_millis();
  out.registrations = registrations_as_of(store, filter.to.value_or(now), options.stale_after);
  return out;
}

}  // namespace e911::auditor
