#include "consumers/auditor/store/audit_store.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "consumers/auditor/store/call_rows.h"
#include "consumers/auditor/store/entry_rows.h"
#include "consumers/auditor/journal/hash_chain.h"

namespace e911::auditor {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using Poco::Data::Keywords::useRef;

namespace {

// ---- schema ----

// Versioned migrations: schema_version holds how many have run. Append
// only; never edit one that has shipped. Each migration is the statements
// both databases run, then the ones only one of them runs (one statement
// per string: PostgreSQL prepares statements one at a time, and a trigger
// body holds semicolons).
struct Migration {
  std::vector<const char*> both;
  std::vector<const char*> sqlite;
  std::vector<const char*> postgresql;
};

const Migration kMigrations[] = {
    {
        .both =
            {
                R"sql(CREATE TABLE audit_entries (
  seq BIGINT NOT NULL PRIMARY KEY CHECK (seq > 0),
  kind TEXT NOT NULL,
  call_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
))sql",
                "CREATE INDEX audit_entries_by_call ON audit_entries (call_id)",
                // "partition" is quoted: it is a key word in both dialects.
                R"sql(CREATE TABLE consumer_offsets (
  group_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  "partition" INTEGER NOT NULL CHECK ("partition" >= 0),
  next_offset BIGINT NOT NULL CHECK (next_offset >= 0),
  PRIMARY KEY (group_id, topic, "partition")
))sql",
            },
        .sqlite =
            {
                // SQLite has no TRUNCATE; a DELETE without WHERE fires these too
                // (triggers turn off its truncate optimization).
                "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
                "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
                "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
                "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
            },
        .postgresql =
            {
                // A trigger that raises rather than a rule (CREATE RULE ... DO
                // INSTEAD NOTHING): a rule drops the statement silently and the
                // writer believes it worked; an error says what was refused. It
                // fires per statement, so TRUNCATE (which has no rows) and an
                // UPDATE matching no row are refused too.
                R"sql(CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP;
END
$$)sql",
                "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entries "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()",
            },
    },
    {
        // The derived per-call rows (call_query.h): what auditors query,
        // kept by ingest() in the transaction that appends the entries they
        // come from. Not append-only: they are a view of the journal, not
        // the record.
        .both =
            {
                R"sql(CREATE TABLE audit_calls (
  call_id TEXT NOT NULL PRIMARY KEY,
  call_class TEXT,
  dialed TEXT,
  occurred_at BIGINT,
  site_id TEXT,
  caller_user_id TEXT,
  caller_name TEXT,
  caller_extension TEXT,
  callback TEXT,
  location_source TEXT,
  location_label TEXT,
  location_address TEXT,
  dispatchable INTEGER,
  warnings TEXT,
  routing TEXT,
  notify_list TEXT,
  alerts_total INTEGER NOT NULL DEFAULT 0,
  alerts_delivered INTEGER NOT NULL DEFAULT 0,
  alerts_failed INTEGER NOT NULL DEFAULT 0,
  alerts_escalated INTEGER NOT NULL DEFAULT 0,
  first_alert_latency_ms BIGINT,
  acknowledged_at BIGINT,
  acknowledged_by TEXT,
  notified INTEGER NOT NULL DEFAULT 0,
  all_delivered INTEGER NOT NULL DEFAULT 0
))sql",
                "CREATE INDEX audit_calls_by_time ON audit_calls (occurred_at, call_id)",
                "CREATE INDEX audit_calls_by_site ON audit_calls (site_id, occurred_at, call_id)",
                R"sql(CREATE TABLE audit_alerts (
  call_id TEXT NOT NULL,
  notification_id TEXT NOT NULL,
  list TEXT,
  recipient_name TEXT,
  recipient_address TEXT,
  channel TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  last_at BIGINT NOT NULL,
  attempted INTEGER NOT NULL DEFAULT 0,
  delivered_at BIGINT,
  delivered_latency_ms BIGINT,
  failed INTEGER NOT NULL DEFAULT 0,
  escalated_to TEXT,
  acknowledged_at BIGINT,
  acknowledged_by TEXT,
  error TEXT,
  PRIMARY KEY (call_id, notification_id)
))sql",
            },
        .sqlite = {},
        .postgresql = {},
    },
};

constexpr const char* kEntryColumns = kAuditEntryColumns;

// What differs between the databases; everything else is shared.
struct Dialect {
  bool dollar_placeholders = false;             // $1, $2... instead of ?
  std::vector<const char*> begin_write;         // starts a transaction holding the journal's write lock
  const char* schema_version_exists = nullptr;  // a COUNT(*) query
  std::vector<const char*> Migration::*own = nullptr;
};

const Dialect kSqlite{
    .dollar_placeholders = false,
    // IMMEDIATE: take the write lock at once. A deferred transaction that
    // reads the last entry and then writes could fail to upgrade its lock
    // (SQLITE_BUSY) when another writer got in between.
    .begin_write = {"BEGIN IMMEDIATE"},
    .schema_version_exists = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
    .own = &Migration::sqlite,
};

const Dialect kPostgresql{
    .dollar_placeholders = true,
    // Appenders (and migrations) take one transaction-scoped advisory lock,
    // so a second writer waits and then sees the first one's entries rather
    // than both reading the same last seq. Advisory locks need no table
    // privilege (LOCK TABLE in a mode strong enough would need UPDATE or
    // DELETE, which the auditor's role must not have). The key is an
    // arbitrary constant ("e911" in ASCII).
    .begin_write = {"BEGIN", "SELECT pg_advisory_xact_lock(1697722673)"},
    .schema_version_exists =
        "SELECT COUNT(*) FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_name = 'schema_version'",
    .own = &Migration::postgresql,
};

// The statement for `dialect`: ? placeholders become $1, $2... for
// PostgreSQL (outside quoted text; our statements carry no literal '?').
std::string sql_for(const Dialect& dialect, std::string_view sql) {
  if (!dialect.dollar_placeholders) return std::string(sql);
  std::string out;
  out.reserve(sql.size() + 8);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

// ---- locations ----

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool looks_like_conninfo(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\n");
  if (begin == std::string_view::npos) return false;
  const auto end = s.find_first_of(" \t\n", begin);
  const auto word = s.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
  const auto eq = word.find('=');
  if (eq == 0 || eq == std::string_view::npos) return false;
  return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(eq),
                     [](char c) { return std::islower(static_cast<unsigned char>(c)) || c == '_'; });
}

// A quoted libpq value: 'it\'s'.
std::string conninfo_value(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

StoreLocation postgresql_location(const std::string& url) {
  const bool is_uri = starts_with(url, "postgresql://") || starts_with(url, "postgres://");
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
  if (options == nullptr) {
    std::string why = err != nullptr ? err : "out of memory";
    if (err != nullptr) PQfreemem(err);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    // libpq quotes pieces of the input in its messages; when the input may
    // hold a password, say less.
    const auto at = url.find('@');
    const bool may_hold_password = url.find("password") != std::string::npos ||
                                   (is_uri && at != std::string::npos && url.find(':', url.find("://") + 3) < at);
    throw std::runtime_error("audit store: invalid PostgreSQL connection string (" +
                             (may_hold_password ? std::string("details withheld: it may hold a password") : why) + ")");
  }
  StoreLocation loc;
  loc.kind = StoreLocation::Kind::postgresql;
  std::string user, host, port, dbname;
  bool has_encoding = false;
  std::string bad_key;
  for (auto* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    const std::string_view key = o->keyword;
    const std::string_view val = o->val;
    if (key == "password") loc.secrets.emplace_back(val);
    if (key == "user") user = val;
    if (key == "host" || (key == "hostaddr" && host.empty())) host = val;
    if (key == "port") port = val;
    if (key == "dbname") dbname = val;
    if (key == "client_encoding") has_encoding = true;
    // Poco's connector splits its connection string on spaces before libpq
    // sees it, quotes or not.
    if (std::any_of(val.begin(), val.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
      if (bad_key.empty()) bad_key = key;
    }
    if (!loc.target.empty()) loc.target += ' ';
    loc.target += std::string(key) + '=' + conninfo_value(val);
  }
  PQconninfoFree(options);
  loc.display_name =
      "postgresql://" + (user.empty() ? "" : user + "@") + host + (port.empty() ? "" : ":" + port) + "/" + dbname;
  if (!bad_key.empty()) {
    throw std::runtime_error("audit store " + loc.display_name + ": the value of " + bad_key +
                             " holds white space, which Poco's PostgreSQL connector cannot pass on" +
                             (bad_key == "password" ? " (put such a password in PGPASSWORD or ~/.pgpass)" : ""));
  }
  if (!has_encoding) loc.target += std::string(loc.target.empty() ? "" : " ") + "client_encoding='UTF8'";
  return loc;
}

// ---- the store ----

std::int64_t i64(Poco::Data::RecordSet& rs, std::size_t col) { return rs.value(col).convert<Poco::Int64>(); }
std::string str(Poco::Data::RecordSet& rs, std::size_t col) {
  const auto& v = rs.value(col);
  return v.isEmpty() ? std::string() : v.convert<std::string>();
}


// Thrown by our own checks (not the database's).
struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Connects with libpq itself first and says why it cannot: Poco 1.11's
// PostgreSQL session leaks the connection object of a failed connect.
void probe_postgres(const std::string& target, int connect_timeout_s) {
  std::string conninfo = target;
  if (conninfo.find("connect_timeout") == std::string::npos) {
    conninfo += " connect_timeout=" + std::to_string(std::max(1, connect_timeout_s));
  }
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), PQfinish);
  if (conn && PQstatus(conn.get()) == CONNECTION_OK) return;
  std::string why = conn ? PQerrorMessage(conn.get()) : "out of memory";
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  for (auto& c : why) {
    if (c == '\n') c = ' ';
  }
  throw std::runtime_error(why.empty() ? "cannot connect" : why);
}

class SqlAuditStore final : public AuditStore {
 public:
  SqlAuditStore(const Dialect& dialect, const StoreLocation& location, const AuditStoreOptions& options)
      : dialect_(dialect), name_(location.display_name), secrets_(location.secrets), options_(options) {
    if (options_.scan_page == 0) options_.scan_page = 1;
    guarded("open", [&] {
      if (dialect_.dollar_placeholders) {
        probe_postgres(location.target, options_.connect_timeout_s);
        Poco::Data::PostgreSQL::Connector::registerConnector();
        // The login timeout becomes libpq's connect_timeout unless the
        // connection string sets one.
        session_ = std::make_unique<Poco::Data::Session>("PostgreSQL", location.target,
                                                         static_cast<std::size_t>(options_.connect_timeout_s));
      } else {
        // Poco's SQLite session retries a failed open until its login
        // timeout: a missing folder is better said at once.
        const auto parent = std::filesystem::path(location.target).parent_path();
        if (!parent.empty() && !std::filesystem::is_directory(parent)) {
          throw Refused("no such directory: " + parent.string());
        }
        Poco::Data::SQLite::Connector::registerConnector();
        session_ = std::make_unique<Poco::Data::Session>("SQLite", location.target, 5);
        auto& s = *session_;
        s << "PRAGMA journal_mode=WAL", now;
        s << (options_.sqlite_sync == SqliteSync::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"), now;
        s << "PRAGMA busy_timeout=" + std::to_string(options_.connect_timeout_s * 1000), now;
      }
    });
    guarded("migrate", [&] { migrate(); });
  }

  void append(const std::vector<AuditEntry>& entries, const std::vector<ConsumedOffset>& offsets) override {
    if (entries.empty() && offsets.empty()) return;
    std::lock_guard lock(mu_);
    guarded("append", [&] {
      begin_write();
      try {
        check_not_journaled(offsets);
        if (!entries.empty()) {
          check_continues(last_entry_locked(), entries);
          insert_entries(entries);
        }
        upsert_offsets(offsets);
        exec("COMMIT");
      } catch (...) {
        rollback();
        throw;
      }
    });
  }

  std::vector<AuditEntry> ingest(const std::vector<EntryDraft>& drafts, const std::vector<ConsumedOffset>& offsets,
                                 const Signer& signer) override {
    std::vector<AuditEntry> sealed;
    if (drafts.empty() && offsets.empty()) return sealed;
    std::lock_guard lock(mu_);
    guarded("ingest", [&] {
      begin_write();
      try {
        sealed.clear();
        check_not_journaled(offsets);
        if (!drafts.empty()) {
          // Sealed under the write lock: whoever appends next continues
          // from these, whichever process it is.
          auto last = last_entry_locked();
          sealed.reserve(drafts.size());
          for (const auto& d : drafts) {
            const AuditEntry* previous = sealed.empty() ? (last ? &*last : nullptr) : &sealed.back();
            sealed.push_back(chain_next(previous, d.kind, d.call_id, d.at, d.payload, signer));
          }
          insert_entries(sealed);
          update_call_rows(*session_, [this](std::string_view q) { return sql(q); }, sealed);
        }
        upsert_offsets(offsets);
        exec("COMMIT");
      } catch (...) {
        rollback();
        throw;
      }
    });
    return sealed;
  }

  void with_connection(const char* operation, const std::function<void(Poco::Data::Session&)>& fn) override {
    std::lock_guard lock(mu_);
    guarded(operation, [&] { fn(*session_); });
  }

  void in_write_transaction(const char* operation, const std::function<void(Poco::Data::Session&)>& fn) override {
    std::lock_guard lock(mu_);
    guarded(operation, [&] {
      begin_write();
      try {
        fn(*session_);
        exec("COMMIT");
      } catch (...) {
        rollback();
        throw;
      }
    });
  }

  std::string sql(std::string_view statement) const override { return sql_for(dialect_, statement); }
  bool is_postgresql() const override { return dialect_.dollar_placeholders; }

  std::optional<AuditEntry> last_entry() override {
    std::lock_guard lock(mu_);
    std::optional<AuditEntry> out;
    guarded("last entry", [&] { out = last_entry_locked(); });
    return out;
  }

  std::vector<ConsumedOffset> offsets(const std::string& group) override {
    std::lock_guard lock(mu_);
    std::vector<ConsumedOffset> out;
    guarded("offsets", [&] {
      Poco::Data::Statement stmt(*session_);
      stmt << sql(
          "SELECT topic, \"partition\", next_offset FROM consumer_offsets WHERE group_id = ? "
          "ORDER BY topic, \"partition\""),
          bind(group), now;
      Poco::Data::RecordSet rs(stmt);
      for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        out.push_back({group, str(rs, 0), static_cast<std::int32_t>(i64(rs, 1)), i64(rs, 2)});
      }
    });
    return out;
  }

  void scan(std::int64_t from_seq, const std::function<bool(const AuditEntry&)>& each) override {
    // Keyset pagination: each page is one query from the seq after the
    // last one seen, so pages stay cheap at any depth (the primary key
    // index) and the connection is free between pages.
    const auto page = static_cast<Poco::Int64>(options_.scan_page);
    for (std::int64_t next = std::max<std::int64_t>(from_seq, 1);;) {
      std::vector<AuditEntry> rows;
      {
        std::lock_guard lock(mu_);
        guarded("scan", [&] {
          Poco::Data::Statement stmt(*session_);
          stmt << sql(std::string("SELECT ") + kEntryColumns +
                      " FROM audit_entries WHERE seq >= ? ORDER BY seq LIMIT ?"),
              bind(next), bind(page), now;
          rows = entries_of_rows(stmt);
        });
      }
      for (const auto& e : rows) {
        if (!each(e)) return;
      }
      if (rows.size() < static_cast<std::size_t>(page)) return;
      next = rows.back().seq + 1;
    }
  }

  std::int64_t count() override {
    std::lock_guard lock(mu_);
    Poco::Int64 n = 0;
    guarded("count", [&] { *session_ << "SELECT COUNT(*) FROM audit_entries", into(n), now; });
    return n;
  }

  const std::string& name() const override { return name_; }
  Poco::Data::Session& session() override { return *session_; }

 private:
  void exec(const std::string& s) { *session_ << s, now; }

  void begin_write() {
    for (const char* s : dialect_.begin_write) exec(s);
  }
  void rollback() {
    try {
      exec("ROLLBACK");
    } catch (const Poco::Exception&) {
      // The original error is what matters; the caller rethrows it. (SQLite
      // rolls back by itself after some errors: then there is nothing left.)
    }
  }

  // Runs `what`; errors become std::runtime_error naming the store and the
  // operation, with any password blanked out.
  template <typename F>
  void guarded(const char* operation, F&& what) {
    try {
      what();
    } catch (const Poco::Exception& e) {
      throw std::runtime_error(message(operation, e.displayText()));
    } catch (const std::exception& e) {
      throw std::runtime_error(message(operation, e.what()));
    }
  }
  std::string message(const char* operation, std::string detail) const {
    for (const auto& secret : secrets_) {
      if (secret.empty()) continue;
      for (std::size_t at = 0; (at = detail.find(secret, at)) != std::string::npos; at += 3) {
        detail.replace(at, secret.size(), "***");
      }
    }
    // One line: the drivers' messages span several ("ERROR: ...\nDETAIL: ...").
    std::string line;
    for (char c : detail) {
      const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
      if (space && (line.empty() || line.back() == ' ')) continue;
      line += space ? ' ' : c;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return "audit store " + name_ + ": " + operation + ": " + line;
  }

  std::int64_t schema_version() {
    Poco::Int64 exists = 0;
    *session_ << dialect_.schema_version_exists, into(exists), now;
    if (exists == 0) return 0;
    Poco::Int64 version = 0;
    *session_ << "SELECT COALESCE(MAX(version), 0) FROM schema_version", into(version), now;
    return version;
  }

  void migrate() {
    const auto wanted = static_cast<std::int64_t>(std::size(kMigrations));
    const auto newer = [&](std::int64_t version) {
      return Refused("database schema version " + std::to_string(version) + " is newer than this build knows (" +
                     std::to_string(wanted) + ")");
    };
    // Up to date: nothing to lock, nothing to create (the auditor's role
    // in production needs no DDL privilege).
    auto version = schema_version();
    if (version == wanted) return;
    if (version > wanted) throw newer(version);
    begin_write();
    try {
      exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)");
      exec("INSERT INTO schema_version (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version)");
      // Again, under the lock: another process may have migrated meanwhile.
      version = schema_version();
      if (version > wanted) throw newer(version);
      for (auto v = version; v < wanted; ++v) {
        const auto& m = kMigrations[v];
        for (const char* s : m.both) exec(s);
        for (const char* s : m.*dialect_.own) exec(s);
      }
      Poco::Int64 to = wanted;
      *session_ << sql("UPDATE schema_version SET version = ?"), bind(to), now;
      exec("COMMIT");
    } catch (...) {
      rollback();
      throw;
    }
  }

  std::optional<AuditEntry> last_entry_locked() {
    Poco::Data::Statement stmt(*session_);
    stmt << std::string("SELECT ") + kEntryColumns + " FROM audit_entries ORDER BY seq DESC LIMIT 1", now;
    auto rows = entries_of_rows(stmt);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }

  static void check_continues(const std::optional<AuditEntry>& last, const std::vector<AuditEntry>& entries) {
    const std::int64_t last_seq = last ? last->seq : 0;
    const std::string last_hash = last ? last->hash : std::string(kGenesisHash);
    const auto& first = entries.front();
    if (first.seq != last_seq + 1) {
      throw Refused("seq " + std::to_string(first.seq) + " does not continue the journal, whose last seq is " +
                    std::to_string(last_seq) + (last ? "" : " (empty)") + ": expected seq " +
                    std::to_string(last_seq + 1));
    }
    if (first.prev_hash != last_hash) {
      throw Refused("seq " + std::to_string(first.seq) + "'s prev_hash " + abbreviated_hash(first.prev_hash) +
                    " is not " + (last ? "seq " + std::to_string(last_seq) + "'s hash " : "the chain's start ") +
                    abbreviated_hash(last_hash));
    }
    for (std::size_t i = 1; i < entries.size(); ++i) {
      const auto& prev = entries[i - 1];
      const auto& e = entries[i];
      if (e.seq != prev.seq + 1) {
        throw Refused("seq " + std::to_string(e.seq) + " follows seq " + std::to_string(prev.seq) +
                      " in the batch: expected seq " + std::to_string(prev.seq + 1));
      }
      if (e.prev_hash != prev.hash) {
        throw Refused("seq " + std::to_string(e.seq) + "'s prev_hash " + abbreviated_hash(e.prev_hash) +
                      " is not seq " + std::to_string(prev.seq) + "'s hash " + abbreviated_hash(prev.hash));
      }
    }
  }

  void insert_entries(const std::vector<AuditEntry>& entries) {
    // Up to kRowsPerStatement rows per INSERT (one round trip each for
    // PostgreSQL), every value bound (never SQL built from values).
    std::string group = "(?, ?, ?, ?, ?, ?, ?, ?, ?)";
    for (std::size_t i = 0; i < entries.size(); i += kRowsPerStatement) {
      const auto end = std::min(entries.size(), i + kRowsPerStatement);
      std::string text = std::string("INSERT INTO audit_entries (") + kEntryColumns + ") VALUES ";
      for (auto j = i; j < end; ++j) text += (j == i ? "" : ", ") + group;
      Poco::Data::Statement insert(*session_);
      insert << sql(text);
      for (auto j = i; j < end; ++j) {
        const auto& e = entries[j];
        insert, useRef(e.seq), useRef(e.kind), useRef(e.call_id), useRef(e.at), useRef(e.payload), useRef(e.prev_hash),
            useRef(e.hash), useRef(e.key_id), useRef(e.signature);
      }
      insert.execute();
    }
  }

  // Refuses a batch whose records the journal already has (see
  // ConsumedOffset::first_offset). Inside the write transaction.
  void check_not_journaled(const std::vector<ConsumedOffset>& offsets) {
    for (const auto& o : offsets) {
      if (o.first_offset < 0) continue;
      Poco::Int64 stored = -1;
      Poco::Data::Statement stmt(*session_);
      stmt << sql("SELECT next_offset FROM consumer_offsets WHERE group_id = ? AND topic = ? AND \"partition\" = ?"),
          bind(o.group), bind(o.topic), bind(o.partition), into(stored), now;
      if (stored > o.first_offset) {
        throw Refused("records of " + o.topic + " partition " + std::to_string(o.partition) + " from offset " +
                      std::to_string(o.first_offset) + " are journaled already (group " + o.group +
                      "'s stored next offset is " + std::to_string(stored) +
                      "): another instance took the partition over");
      }
    }
  }

  void upsert_offsets(const std::vector<ConsumedOffset>& offsets) {
    if (offsets.empty()) return;
    ConsumedOffset row;
    Poco::Data::Statement upsert(*session_);
    upsert << sql(
        "INSERT INTO consumer_offsets (group_id, topic, \"partition\", next_offset) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (group_id, topic, \"partition\") DO UPDATE SET next_offset = excluded.next_offset"),
        use(row.group), use(row.topic), use(row.partition), use(row.next_offset);
    for (const auto& o : offsets) {
      row = o;
      upsert.execute();
    }
  }

  const Dialect& dialect_;
  std::string name_;
  std::vector<std::string> secrets_;
  AuditStoreOptions options_;
  std::mutex mu_;
  std::unique_ptr<Poco::Data::Session> session_;
};

}  // namespace

StoreLocation parse_store_url(const std::string& url) {
  if (url.empty()) throw std::runtime_error("audit store: no location given");
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://") || looks_like_conninfo(url)) {
    return postgresql_location(url);
  }
  StoreLocation loc;
  loc.kind = StoreLocation::Kind::sqlite;
  std::string path = url;
  if (starts_with(url, "sqlite:")) {
    path = url.substr(7);
    if (starts_with(path, "//")) {
      if (!starts_with(path, "///")) {
        throw std::runtime_error("audit store " + url + ": write sqlite:/absolute/path or sqlite:relative/path");
      }
      path = path.substr(2);
    }
  }
  if (path.empty()) throw std::runtime_error("audit store " + url + ": no file named");
  loc.target = path;
  loc.display_name = "sqlite:" + path;
  return loc;
}

std::unique_ptr<AuditStore> open_audit_store(const std::string& url, const AuditStoreOptions& options) {
  const auto loc = parse_store_url(url);
  const Dialect& dialect = loc.kind == StoreLocation::Kind::postgresql ? kPostgresql : kSqlite;
  return std::make_unique<SqlAuditStore>(dialect, loc, options);
}

EntrySource entries_from(AuditStore& store, std::int64_t from_seq, std::size_t page) {
  struct State {
    std::vector<AuditEntry> buffer;
    std::size_t i = 0;
    std::int64_t next = 1;
    bool end = false;
  };
  auto state = std::make_shared<State>();
  state->next = from_seq;
  page = std::max<std::size_t>(page, 1);
  return [&store, state, page](AuditEntry& out) {
    auto& s = *state;
    if (s.i == s.buffer.size()) {
      if (s.end) return false;
      s.buffer.clear();
      s.i = 0;
      store.scan(s.next, [&](const AuditEntry& e) {
        s.buffer.push_back(e);
        return s.buffer.size() < page;
      });
      if (s.buffer.size() < page) s.end = true;
      if (s.buffer.empty()) return false;
      s.next = s.buffer.back().seq + 1;
    }
    out = std::move(s.buffer[s.i++]);
    return true;
  };
}

}  // namespace e911::auditor
