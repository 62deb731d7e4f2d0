#include "consumers/notifier/notifier_store.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <stdexcept>

#include "common/enum_names.h"
#include "common/sql/connection.h"
#include "common/sql/migrations.h"
#include "common/sql/rows.h"

namespace e911::notifier {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::now;

namespace {

// The state's schema (sql::migrate runs it): append only, never edit one
// that has shipped.
const sql::Migration kMigrations[] = {
    // The outbox's sequence is the only statement the two databases spell
    // differently (SQLite runs exactly what it always ran).
    {.both =
         {
             R"sql(CREATE TABLE calls (
  call_id TEXT PRIMARY KEY,
  document TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  list TEXT NOT NULL,
  ack_due_at BIGINT NOT NULL DEFAULT 0,
  acknowledged_at BIGINT NOT NULL DEFAULT 0,
  acknowledged_by TEXT NOT NULL DEFAULT '',
  escalated_to TEXT NOT NULL DEFAULT ''
))sql",
             R"sql(CREATE TABLE alerts (
  notification_id TEXT PRIMARY KEY,
  call_id TEXT NOT NULL,
  list TEXT NOT NULL,
  recipient_name TEXT NOT NULL,
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  escalation_note TEXT NOT NULL,
  ack_id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  first_attempt_at BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  done_at BIGINT NOT NULL
))sql",
             R"sql(CREATE INDEX alerts_by_state ON alerts (state, next_attempt_at))sql",
             R"sql(CREATE INDEX alerts_by_call ON alerts (call_id))sql",
         },
     .sqlite =
         {
             R"sql(CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  value TEXT NOT NULL
))sql",
         },
     .postgresql =
         {
             R"sql(CREATE TABLE outbox (
  seq BIGSERIAL PRIMARY KEY,
  key TEXT NOT NULL,
  value TEXT NOT NULL
))sql",
         }},
    // Owners and leases, for instances sharing one PostgreSQL database. On
    // SQLite every owner stays ''.
    {.both =
         {
             "ALTER TABLE calls ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
             "ALTER TABLE alerts ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
             "ALTER TABLE outbox ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
             "CREATE INDEX alerts_by_owner ON alerts (owner, state)",
             "CREATE INDEX outbox_by_owner ON outbox (owner, seq)",
             R"sql(CREATE TABLE notifier_leases (
  owner TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
))sql",
         },
     .sqlite = {},
     // The order alerts were recorded in (SQLite has its rowid).
     .postgresql = {"ALTER TABLE alerts ADD COLUMN added BIGSERIAL"}},
};

constexpr const char* kAlertColumns =
    "notification_id, call_id, list, recipient_name, channel, address, escalation_note, ack_id, state, attempts, "
    "first_attempt_at, next_attempt_at, last_error, provider_id, created_at, done_at";
constexpr const char* kCallColumns =
    "call_id, document, received_at, list, ack_due_at, acknowledged_at, acknowledged_by, escalated_to";

constexpr auto kAlertStateNames = enum_names<AlertState>(
    {{AlertState::pending, "pending"}, {AlertState::sent, "sent"}, {AlertState::failed, "failed"}});

AlertState parse_state(const std::string& s) { return kAlertStateNames.value(s).value_or(AlertState::pending); }

using sql::i64;
using sql::str;

std::vector<StoredAlert> alerts_from(Poco::Data::Statement& stmt) {
  std::vector<StoredAlert> out;
  Poco::Data::RecordSet rs(stmt);
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    StoredAlert a;
    a.notification_id = str(rs, 0);
    a.call_id = str(rs, 1);
    a.list = str(rs, 2);
    a.recipient_name = str(rs, 3);
    a.channel = str(rs, 4);
    a.address = str(rs, 5);
    a.escalation_note = str(rs, 6);
    a.ack_id = str(rs, 7);
    a.state = parse_state(str(rs, 8));
    a.attempts = static_cast<int>(i64(rs, 9));
    a.first_attempt_at = i64(rs, 10);
    a.next_attempt_at = i64(rs, 11);
    a.last_error = str(rs, 12);
    a.provider_id = str(rs, 13);
    a.created_at = i64(rs, 14);
    a.done_at = i64(rs, 15);
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<StoredCall> calls_from(Poco::Data::Statement& stmt) {
  std::vector<StoredCall> out;
  Poco::Data::RecordSet rs(stmt);
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    StoredCall c;
    c.call_id = str(rs, 0);
    c.document = str(rs, 1);
    c.received_at = i64(rs, 2);
    c.list = str(rs, 3);
    c.ack_due_at = i64(rs, 4);
    c.acknowledged_at = i64(rs, 5);
    c.acknowledged_by = str(rs, 6);
    c.escalated_to = str(rs, 7);
    out.push_back(std::move(c));
  }
  return out;
}

// The dialect the store writes with. On PostgreSQL a plain BEGIN: every
// write is safe on its own (ON CONFLICT DO NOTHING, updates conditional on
// the row's state and owner), so instances need not queue behind the one
// database-wide advisory lock the auditor's single writer takes.
sql::Dialect store_dialect(sql::Engine engine) {
  auto d = sql::dialect_of(engine);
  if (engine == sql::Engine::postgresql) d.begin_write = {"BEGIN"};
  return d;
}

}  // namespace

std::string_view alert_state_name(AlertState state) { return kAlertStateNames.name(state, "pending"); }

NotifierStore::NotifierStore(const std::string& path, Durability durability) {
  open({.kind = sql::Location::Kind::sqlite, .target = path, .display_name = path, .secrets = {}}, durability, 10);
}

NotifierStore::NotifierStore(const sql::Location& location, std::string owner, Durability durability,
                             int connect_timeout_s)
    : owner_(location.kind == sql::Location::Kind::postgresql ? std::move(owner) : std::string()) {
  open(location, durability, connect_timeout_s);
}

void NotifierStore::open(const sql::Location& location, Durability durability, int connect_timeout_s) {
  location_ = location;
  connect_timeout_s_ = connect_timeout_s;
  const bool postgresql = location.kind == sql::Location::Kind::postgresql;
  dialect_ = store_dialect(postgresql ? sql::Engine::postgresql : sql::Engine::sqlite);
  try {
    if (postgresql) {
      // A server restarting (or not up yet when the instance starts) is
      // waited for, as later operations wait for it (locked()).
      const auto give_up = std::chrono::steady_clock::now() + kReconnectFor;
      auto delay = std::chrono::milliseconds(200);
      while (!session_) {
        try {
          session_ = sql::open_postgresql(location.target, connect_timeout_s);
        } catch (const std::runtime_error& e) {
          if (!sql::is_connection_error(e.what()) || std::chrono::steady_clock::now() >= give_up) throw;
          log_.warn("notifier store unreachable; retrying",
                    {{"store", location_.display_name}, {"error", sql::without_secrets(location, e.what())}, {"retry_in_ms", delay.count()}});
          std::this_thread::sleep_for(delay);
          delay = std::min(delay * 2, std::chrono::milliseconds(5000));
        }
      }
    } else {
      session_ = sql::open_sqlite(location.target,
                                  {.sync = durability == Durability::full ? sql::SqliteSync::full
                                                                          : sql::SqliteSync::normal,
                                   .busy_timeout_ms = connect_timeout_s * 1000});
    }
    // Migrations with the database's own write lock: instances starting
    // together migrate once.
    sql::migrate(*session_, sql::dialect_of(dialect_.engine), kMigrations);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("notifier state " + location_.display_name + ": " + sql::without_secrets(location, e.displayText()));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("notifier state " + location_.display_name + ": " + sql::without_secrets(location, e.what()));
  }
}

NotifierStore::~NotifierStore() = default;

bool NotifierStore::connection_lost_locked(const std::exception& e, std::chrono::steady_clock::time_point give_up) {
  if (location_.kind != sql::Location::Kind::postgresql) return false;
  // A statement that failed on a working connection is not retried; a
  // connection that failed (or never came back) is, within the time left.
  const bool lost = !session_ || !session_->isConnected() || sql::is_connection_error(e.what());
  if (!lost || std::chrono::steady_clock::now() >= give_up) return false;
  if (session_) {
    log_.warn("notifier store connection lost; reconnecting",
              {{"store", location_.display_name}, {"error", sql::without_secrets(location_, e.what())}});
  }
  session_.reset();
  return true;
}

void NotifierStore::reconnect_locked() {
  session_ = sql::open_postgresql(location_.target, connect_timeout_s_);
  idle_timeout_applied_ms_ = 0;  // a new session: locked() sets it again
  log_.info("notifier store reconnected", {{"store", location_.display_name}});
}

sql::Transaction NotifierStore::transaction_locked() { return sql::Transaction(*session_, dialect_); }

bool NotifierStore::insert_call_locked(const StoredCall& c) {
  Poco::Data::Statement stmt(*session_);
  stmt << sql(std::string("INSERT INTO calls (") + kCallColumns +
              ", owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"),
      bind(c.call_id), bind(c.document), bind(c.received_at), bind(c.list), bind(c.ack_due_at),
      bind(c.acknowledged_at), bind(c.acknowledged_by), bind(c.escalated_to), bind(owner_);
  return stmt.execute() > 0;
}

bool NotifierStore::insert_alert_locked(const StoredAlert& a) {
  Poco::Data::Statement stmt(*session_);
  stmt << sql(std::string("INSERT INTO alerts (") + kAlertColumns +
              ", owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"),
      bind(a.notification_id), bind(a.call_id), bind(a.list), bind(a.recipient_name), bind(a.channel),
      bind(a.address), bind(a.escalation_note), bind(a.ack_id), bind(std::string(alert_state_name(a.state))),
      bind(static_cast<Poco::Int64>(a.attempts)), bind(a.first_attempt_at), bind(a.next_attempt_at),
      bind(a.last_error), bind(a.provider_id), bind(a.created_at), bind(a.done_at), bind(owner_);
  return stmt.execute() > 0;
}

void NotifierStore::insert_records_locked(const std::vector<OutboxRecord>& records) {
  for (const auto& r : records) {
    *session_ << sql("INSERT INTO outbox (key, value, owner) VALUES (?, ?, ?)"), bind(r.key), bind(r.value),
        bind(owner_), now;
  }
}

bool NotifierStore::update_alert(const StoredAlert& a, const std::vector<OutboxRecord>& records) {
  return locked([&] {
    auto tx = transaction_locked();
    Poco::Data::Statement stmt(*session_);
    stmt << sql("UPDATE alerts SET state = ?, attempts = ?, first_attempt_at = ?, next_attempt_at = ?, "
                "last_error = ?, provider_id = ?, done_at = ? WHERE notification_id = ? AND owner = ?"),
        bind(std::string(alert_state_name(a.state))), bind(static_cast<Poco::Int64>(a.attempts)),
        bind(a.first_attempt_at), bind(a.next_attempt_at), bind(a.last_error), bind(a.provider_id), bind(a.done_at),
        bind(a.notification_id), bind(owner_);
    if (stmt.execute() == 0) return false;  // rolled back: claimed by another instance
    insert_records_locked(records);
    tx.commit();
    return true;
  });
}

std::optional<StoredCall> NotifierStore::call_locked(const std::string& call_id) {
  Poco::Data::Statement stmt(*session_);
  stmt << sql(std::string("SELECT ") + kCallColumns + " FROM calls WHERE call_id = ?"), bind(call_id), now;
  auto calls = calls_from(stmt);
  if (calls.empty()) return std::nullopt;
  return std::move(calls.front());
}

std::optional<StoredAlert> NotifierStore::alert_by_ack_locked(const std::string& ack_id) {
  Poco::Data::Statement stmt(*session_);
  stmt << sql(std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE ack_id = ?"), bind(ack_id), now;
  auto alerts = alerts_from(stmt);
  if (alerts.empty()) return std::nullopt;
  return std::move(alerts.front());
}

bool NotifierStore::set_escalated_locked(const std::string& call_id, const std::string& list) {
  Poco::Data::Statement stmt(*session_);
  stmt << sql("UPDATE calls SET escalated_to = ? WHERE call_id = ? AND escalated_to = '' AND acknowledged_at = 0"),
      bind(list), bind(call_id);
  return stmt.execute() > 0;
}

bool NotifierStore::set_acknowledged_locked(const std::string& call_id, EpochMillis at, const std::string& by) {
  Poco::Data::Statement stmt(*session_);
  stmt << sql("UPDATE calls SET acknowledged_at = ?, acknowledged_by = ? WHERE call_id = ? AND acknowledged_at = 0"),
      bind(at), bind(by), bind(call_id);
  return stmt.execute() > 0;
}

std::optional<StoredCall> NotifierStore::call(const std::string& call_id) {
  return locked([&] {
    return call_locked(call_id);
  });
}

std::optional<StoredAlert> NotifierStore::alert_by_ack(const std::string& ack_id) {
  return locked([&] {
    return alert_by_ack_locked(ack_id);
  });
}

std::vector<StoredAlert> NotifierStore::alerts_of(const std::string& call_id) {
  return locked([&] {
    Poco::Data::Statement stmt(*session_);
    const char* recorded = dialect_.engine == sql::Engine::sqlite ? "rowid" : "added";
    stmt << sql(std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE call_id = ? ORDER BY created_at, " +
                recorded),
        bind(call_id), now;
    return alerts_from(stmt);
  });
}

std::vector<StoredAlert> NotifierStore::pending_alerts() {
  return locked([&] {
    Poco::Data::Statement stmt(*session_);
    stmt << sql(std::string("SELECT ") + kAlertColumns +
                " FROM alerts WHERE state = 'pending' AND owner = ? ORDER BY next_attempt_at"),
        bind(owner_), now;
    return alerts_from(stmt);
  });
}

std::vector<StoredCall> NotifierStore::calls_awaiting_ack() {
  return locked([&] {
    Poco::Data::Statement stmt(*session_);
    stmt << sql(std::string("SELECT ") + kCallColumns +
                " FROM calls WHERE ack_due_at > 0 AND acknowledged_at = 0 AND escalated_to = '' AND owner = ? "
                "ORDER BY ack_due_at"),
        bind(owner_), now;
    return calls_from(stmt);
  });
}

std::vector<OutboxRecord> NotifierStore::unpublished(std::size_t limit, std::int64_t after_seq) {
  return locked([&] {
    Poco::Data::Statement stmt(*session_);
    stmt << sql("SELECT seq, key, value FROM outbox WHERE owner = ? AND seq > ? ORDER BY seq LIMIT ?"), bind(owner_),
        bind(static_cast<Poco::Int64>(after_seq)), bind(static_cast<Poco::Int64>(limit)), now;
    std::vector<OutboxRecord> out;
    Poco::Data::RecordSet rs(stmt);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
      out.push_back({i64(rs, 0), str(rs, 1), str(rs, 2)});
    }
    return out;
  });
}

void NotifierStore::remove_published(const std::vector<std::int64_t>& seqs) {
  if (seqs.empty()) return;
  return locked([&] {
    auto tx = transaction_locked();
    for (auto seq : seqs) *session_ << sql("DELETE FROM outbox WHERE seq = ?"), bind(static_cast<Poco::Int64>(seq)), now;
    tx.commit();
  });
}

std::size_t NotifierStore::outbox_size() {
  return locked([&] {
    Poco::Int64 n = 0;
    *session_ << sql("SELECT COUNT(*) FROM outbox WHERE owner = ?"), bind(owner_), Poco::Data::Keywords::into(n), now;
    return static_cast<std::size_t>(n);
  });
}

NotifierStore::Counts NotifierStore::counts() {
  return locked([&] {
    Counts c;
    Poco::Int64 n = 0;
    *session_ << "SELECT COUNT(*) FROM calls", Poco::Data::Keywords::into(n), now;
    c.calls = static_cast<std::size_t>(n);
    Poco::Data::Statement stmt(*session_);
    stmt << "SELECT state, COUNT(*) FROM alerts GROUP BY state", now;
    Poco::Data::RecordSet rs(stmt);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
      const auto state = parse_state(str(rs, 0));
      const auto count = static_cast<std::size_t>(i64(rs, 1));
      if (state == AlertState::pending) c.pending = count;
      else if (state == AlertState::sent) c.sent = count;
      else c.failed = count;
    }
    return c;
  });
}

}  // namespace e911::notifier
