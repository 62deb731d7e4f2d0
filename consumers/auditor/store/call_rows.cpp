#include "consumers/auditor/store/call_rows.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "consumers/auditor/store/call_facts.h"

namespace e911::auditor {
namespace {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::now;

using NullableText = Poco::Nullable<std::string>;
using NullableInt = Poco::Nullable<Poco::Int64>;

NullableText nullable(const std::optional<std::string>& v) { return v ? NullableText(*v) : NullableText(); }
NullableInt nullable(const std::optional<std::int64_t>& v) { return v ? NullableInt(*v) : NullableInt(); }
NullableInt nullable(const std::optional<bool>& v) { return v ? NullableInt(*v ? 1 : 0) : NullableInt(); }

// Splits `items` into rounds in which no key occurs twice, keeping each
// key's occurrences in order, then each round into statements of at most
// kRowsPerStatement.
template <typename T, typename KeyOf>
std::vector<std::vector<const T*>> statements_of(const std::vector<T>& items, KeyOf key_of) {
  std::vector<std::vector<const T*>> rounds;
  std::map<std::string, std::size_t> seen;  // key -> occurrences so far
  for (const auto& item : items) {
    const auto round = seen[key_of(item)]++;
    if (rounds.size() <= round) rounds.resize(round + 1);
    rounds[round].push_back(&item);
  }
  std::vector<std::vector<const T*>> out;
  for (auto& round : rounds) {
    for (std::size_t i = 0; i < round.size(); i += kRowsPerStatement) {
      const auto end = std::min(round.size(), i + kRowsPerStatement);
      out.emplace_back(round.begin() + static_cast<std::ptrdiff_t>(i), round.begin() + static_cast<std::ptrdiff_t>(end));
    }
  }
  return out;
}

constexpr const char* kCallColumns =
    "call_id, call_class, dialed, occurred_at, site_id, caller_user_id, caller_name, caller_extension, callback, "
    "location_source, location_label, location_address, dispatchable, warnings, routing, notify_list, elin, "
    "location_validated";
constexpr std::size_t kCallColumnCount = 18;

// Known values replace stored ones; unknown ones (NULL) keep them.
constexpr const char* kCallUpdate =
    " ON CONFLICT (call_id) DO UPDATE SET "
    "call_class = COALESCE(excluded.call_class, audit_calls.call_class), "
    "dialed = COALESCE(excluded.dialed, audit_calls.dialed), "
    "occurred_at = COALESCE(excluded.occurred_at, audit_calls.occurred_at), "
    "site_id = COALESCE(excluded.site_id, audit_calls.site_id), "
    "caller_user_id = COALESCE(excluded.caller_user_id, audit_calls.caller_user_id), "
    "caller_name = COALESCE(excluded.caller_name, audit_calls.caller_name), "
    "caller_extension = COALESCE(excluded.caller_extension, audit_calls.caller_extension), "
    "callback = COALESCE(excluded.callback, audit_calls.callback), "
    "location_source = COALESCE(excluded.location_source, audit_calls.location_source), "
    "location_label = COALESCE(excluded.location_label, audit_calls.location_label), "
    "location_address = COALESCE(excluded.location_address, audit_calls.location_address), "
    "dispatchable = COALESCE(excluded.dispatchable, audit_calls.dispatchable), "
    "warnings = COALESCE(excluded.warnings, audit_calls.warnings), "
    "routing = COALESCE(excluded.routing, audit_calls.routing), "
    "notify_list = COALESCE(excluded.notify_list, audit_calls.notify_list), "
    "elin = COALESCE(excluded.elin, audit_calls.elin), "
    "location_validated = COALESCE(excluded.location_validated, audit_calls.location_validated)";

constexpr const char* kAlertColumns =
    "call_id, notification_id, list, recipient_name, recipient_address, channel, attempts, status, last_at, "
    "attempted, delivered_at, delivered_latency_ms, failed, escalated_to, acknowledged_at, acknowledged_by, error";
constexpr std::size_t kAlertColumnCount = 17;

// How a record merges into what is known of its alert, whatever order the
// records arrive in: the highest attempt, the latest status, the earliest
// delivery and acknowledgement, flags that once set stay set. (In a SET
// clause, audit_alerts.* are the values before the update.)
#define E911_EARLIER(col) \
  "(excluded." col " IS NOT NULL AND (audit_alerts." col " IS NULL OR excluded." col " < audit_alerts." col "))"
constexpr const char* kAlertUpdate =
    " ON CONFLICT (call_id, notification_id) DO UPDATE SET "
    "list = COALESCE(excluded.list, audit_alerts.list), "
    "recipient_name = COALESCE(excluded.recipient_name, audit_alerts.recipient_name), "
    "recipient_address = COALESCE(excluded.recipient_address, audit_alerts.recipient_address), "
    "attempts = CASE WHEN excluded.attempts > audit_alerts.attempts THEN excluded.attempts ELSE audit_alerts.attempts END, "
    "status = CASE WHEN excluded.last_at >= audit_alerts.last_at THEN excluded.status ELSE audit_alerts.status END, "
    "last_at = CASE WHEN excluded.last_at >= audit_alerts.last_at THEN excluded.last_at ELSE audit_alerts.last_at END, "
    "attempted = CASE WHEN excluded.attempted > audit_alerts.attempted THEN excluded.attempted ELSE audit_alerts.attempted END, "
    "delivered_latency_ms = CASE WHEN " E911_EARLIER("delivered_at") " THEN excluded.delivered_latency_ms ELSE audit_alerts.delivered_latency_ms END, "
    "delivered_at = CASE WHEN " E911_EARLIER("delivered_at") " THEN excluded.delivered_at ELSE audit_alerts.delivered_at END, "
    "failed = CASE WHEN excluded.failed > audit_alerts.failed THEN excluded.failed ELSE audit_alerts.failed END, "
    "escalated_to = COALESCE(excluded.escalated_to, audit_alerts.escalated_to), "
    "acknowledged_by = CASE WHEN " E911_EARLIER("acknowledged_at") " THEN excluded.acknowledged_by ELSE audit_alerts.acknowledged_by END, "
    "acknowledged_at = CASE WHEN " E911_EARLIER("acknowledged_at") " THEN excluded.acknowledged_at ELSE audit_alerts.acknowledged_at END, "
    "error = COALESCE(excluded.error, audit_alerts.error)";
#undef E911_EARLIER

// The call's figures and verdicts, recomputed from its alerts (a handful
// per call) in one statement: the alerts of the batch's calls are
// aggregated once (GROUP BY), not queried once per figure.
constexpr const char* kCallFiguresHead =
    "UPDATE audit_calls SET "
    "alerts_total = f.total, alerts_delivered = f.delivered, alerts_failed = f.failed, "
    "alerts_escalated = f.escalated, first_alert_latency_ms = f.first_latency, acknowledged_at = f.acknowledged, "
    "acknowledged_by = (SELECT a.acknowledged_by FROM audit_alerts a WHERE a.call_id = audit_calls.call_id"
    " AND a.acknowledged_at IS NOT NULL ORDER BY a.acknowledged_at, a.notification_id LIMIT 1), "
    "notified = CASE WHEN f.delivered > 0 THEN 1 ELSE 0 END, "
    "all_delivered = CASE WHEN f.total > 0 AND f.delivered = f.total THEN 1 ELSE 0 END "
    "FROM (SELECT call_id, "
    "SUM(attempted) AS total, "
    "SUM(CASE WHEN attempted = 1 AND (delivered_at IS NOT NULL OR acknowledged_at IS NOT NULL) THEN 1 ELSE 0 END)"
    " AS delivered, "
    "SUM(CASE WHEN failed = 1 AND delivered_at IS NULL AND acknowledged_at IS NULL THEN 1 ELSE 0 END) AS failed, "
    "SUM(CASE WHEN escalated_to IS NOT NULL THEN 1 ELSE 0 END) AS escalated, "
    "MIN(delivered_latency_ms) AS first_latency, MIN(acknowledged_at) AS acknowledged "
    "FROM audit_alerts WHERE call_id IN (";
constexpr const char* kCallFiguresTail = ") GROUP BY call_id) AS f WHERE audit_calls.call_id = f.call_id";

// Folds `later` into `into`: what `later` knows replaces (the SQL upsert's
// COALESCE(excluded.x, stored.x), applied in journal order).
void fold(CallUpsert& into, const CallUpsert& later) {
  const auto take = [](auto& a, const auto& b) {
    if (b) a = b;
  };
  take(into.call_class, later.call_class);
  take(into.dialed, later.dialed);
  take(into.occurred_at, later.occurred_at);
  take(into.site_id, later.site_id);
  take(into.caller_user_id, later.caller_user_id);
  take(into.caller_name, later.caller_name);
  take(into.caller_extension, later.caller_extension);
  take(into.callback, later.callback);
  take(into.location_source, later.location_source);
  take(into.location_label, later.location_label);
  take(into.location_address, later.location_address);
  take(into.dispatchable, later.dispatchable);
  take(into.warnings, later.warnings);
  take(into.routing, later.routing);
  take(into.notify_list, later.notify_list);
  take(into.elin, later.elin);
  take(into.location_validated, later.location_validated);
}

void upsert_calls(Poco::Data::Session& session, const std::function<std::string(std::string_view)>& sql,
                  const std::vector<CallUpsert>& calls) {
  for (const auto& rows : statements_of(calls, [](const CallUpsert& c) { return c.call_id; })) {
    Poco::Data::Statement stmt(session);
    stmt << sql(std::string("INSERT INTO audit_calls (") + kCallColumns + ") VALUES " +
                values_list(rows.size(), kCallColumnCount) + kCallUpdate);
    for (const auto* c : rows) {
      stmt, bind(c->call_id), bind(nullable(c->call_class)), bind(nullable(c->dialed)), bind(nullable(c->occurred_at)),
          bind(nullable(c->site_id)), bind(nullable(c->caller_user_id)), bind(nullable(c->caller_name)),
          bind(nullable(c->caller_extension)), bind(nullable(c->callback)), bind(nullable(c->location_source)),
          bind(nullable(c->location_label)), bind(nullable(c->location_address)), bind(nullable(c->dispatchable)),
          bind(nullable(c->warnings)), bind(nullable(c->routing)), bind(nullable(c->notify_list)),
          bind(nullable(c->elin)), bind(nullable(c->location_validated));
    }
    stmt.execute();
  }
}

void upsert_alerts(Poco::Data::Session& session, const std::function<std::string(std::string_view)>& sql,
                   const std::vector<AlertUpsert>& alerts) {
  for (const auto& rows : statements_of(alerts, [](const AlertUpsert& a) { return a.call_id + '\n' + a.notification_id; })) {
    Poco::Data::Statement stmt(session);
    stmt << sql(std::string("INSERT INTO audit_alerts (") + kAlertColumns + ") VALUES " +
                values_list(rows.size(), kAlertColumnCount) + kAlertUpdate);
    for (const auto* a : rows) {
      stmt, bind(a->call_id), bind(a->notification_id), bind(nullable(a->list)), bind(nullable(a->recipient_name)),
          bind(nullable(a->recipient_address)), bind(a->channel), bind(static_cast<Poco::Int64>(a->attempt)),
          bind(a->status), bind(static_cast<Poco::Int64>(a->at)), bind(static_cast<Poco::Int64>(a->attempted ? 1 : 0)),
          bind(nullable(a->delivered_at)), bind(nullable(a->delivered_latency_ms)),
          bind(static_cast<Poco::Int64>(a->failed ? 1 : 0)), bind(nullable(a->escalated_to)),
          bind(nullable(a->acknowledged_at)), bind(nullable(a->acknowledged_by)), bind(nullable(a->error));
    }
    stmt.execute();
  }
}

// Runs `head` + "?, ?, ..." + `tail` over `ids`, kRowsPerStatement * 5 at
// a time.
void for_calls(Poco::Data::Session& session, const std::function<std::string(std::string_view)>& sql,
               const std::string& head, const std::string& tail, const std::vector<std::string>& ids) {
  constexpr std::size_t kIdsPerStatement = kRowsPerStatement * 5;
  for (std::size_t i = 0; i < ids.size(); i += kIdsPerStatement) {
    const auto end = std::min(ids.size(), i + kIdsPerStatement);
    Poco::Data::Statement stmt(session);
    stmt << sql(head + placeholders(end - i) + tail);
    for (auto j = i; j < end; ++j) stmt, bind(ids[j]);
    stmt.execute();
  }
}

}  // namespace

void update_call_rows(Poco::Data::Session& session, const std::function<std::string(std::string_view)>& sql,
                      const std::vector<AuditEntry>& appended) {
  std::vector<CallUpsert> calls;            // one per call, in order of first appearance
  std::map<std::string, std::size_t> call_at;
  std::vector<AlertUpsert> alerts;
  std::vector<std::string> alerted;  // calls whose alerts changed, once each, in order
  std::set<std::string> alerted_set;
  for (const auto& entry : appended) {
    auto effect = effect_of(entry);
    if (!effect) throw std::runtime_error(effect.error().message);
    if (effect->call) {
      const auto [it, added] = call_at.try_emplace(entry.call_id, calls.size());
      if (added) {
        calls.push_back(std::move(*effect->call));
      } else {
        fold(calls[it->second], *effect->call);
      }
    }
    if (effect->alert) {
      if (alerted_set.insert(entry.call_id).second) alerted.push_back(entry.call_id);
      alerts.push_back(std::move(*effect->alert));
    }
  }
  // A call whose notifications come before it is journaled still has a
  // row (its facts follow).
  for (const auto& id : alerted) {
    if (call_at.count(id) != 0) continue;
    CallUpsert row;
    row.call_id = id;
    call_at.emplace(id, calls.size());
    calls.push_back(std::move(row));
  }
  upsert_calls(session, sql, calls);
  upsert_alerts(session, sql, alerts);
  for_calls(session, sql, kCallFiguresHead, kCallFiguresTail, alerted);
}

}  // namespace e911::auditor
