#include "consumers/auditor/store/audit_store.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "common/sql/connection.h"
#include "common/sql/dialect.h"
#include "common/sql/migrations.h"
#include "common/sql/rows.h"
#include "common/sql/transaction.h"
#include "consumers/auditor/store/call_rows.h"
#include "consumers/auditor/store/call_record_keys.h"
#include "consumers/auditor/store/elin_lookup_keys.h"
#include "consumers/auditor/store/entry_rows.h"
#include "consumers/auditor/store/registration_rows.h"
#include "consumers/auditor/journal/hash_chain.h"

namespace e911::auditor {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using Poco::Data::Keywords::useRef;

using sql::i64;
using sql::str;

namespace {

// ---- schema ----

// The journal's schema (sql::migrate runs it): append only, never edit
// one that has shipped.
const sql::Migration kMigrations[] = {
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
    {
        // The ELIN conveyed with each call (the location.conveyed entry's
        // "elin"), filled in from the journal's entries for the calls it
        // has; and the lookup ids of elin.lookup entries (elin_lookup_keys.h).
        .both =
            {
                "ALTER TABLE audit_calls ADD COLUMN elin TEXT",
                "CREATE INDEX audit_calls_by_elin ON audit_calls (elin, occurred_at, call_id)",
                R"sql(CREATE TABLE audit_elin_lookups (
  lookup_id TEXT NOT NULL PRIMARY KEY,
  seq BIGINT NOT NULL,
  call_id TEXT NOT NULL
))sql",
                "CREATE INDEX audit_elin_lookups_by_call ON audit_elin_lookups (call_id)",
            },
        // As ingest() would have: the latest location.conveyed entry whose
        // elin is a string.
        .sqlite =
            {
                R"sql(UPDATE audit_calls SET elin = (
  SELECT json_extract(e.payload, '$.elin') FROM audit_entries e
  WHERE e.call_id = audit_calls.call_id AND e.kind = 'location.conveyed'
    AND json_type(e.payload, '$.elin') = 'text'
  ORDER BY e.seq DESC LIMIT 1))sql",
            },
        .postgresql =
            {
                R"sql(UPDATE audit_calls SET elin = (
  SELECT e.payload::jsonb ->> 'elin' FROM audit_entries e
  WHERE e.call_id = audit_calls.call_id AND e.kind = 'location.conveyed'
    AND jsonb_typeof(e.payload::jsonb -> 'elin') = 'string'
  ORDER BY e.seq DESC LIMIT 1))sql",
            },
    },
    {
        // The registrations users made and withdrew (registration_rows.h);
        // and whether a registered address conveyed with a call was
        // validated (the location.conveyed entry's location.validated),
        // filled in from the journal's entries for the calls it has.
        .both =
            {
                R"sql(CREATE TABLE audit_registrations (
  seq BIGINT NOT NULL PRIMARY KEY,
  kind TEXT NOT NULL,
  user_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  occurred_at BIGINT NOT NULL,
  supplied_by TEXT,
  validated INTEGER,
  country TEXT,
  address TEXT,
  dispatchable INTEGER,
  UNIQUE (kind, event_id)
))sql",
                "CREATE INDEX audit_registrations_by_user ON audit_registrations (user_id, seq)",
                "ALTER TABLE audit_calls ADD COLUMN location_validated INTEGER",
            },
        // As ingest() would have: the latest location.conveyed entry whose
        // location.validated is a boolean.
        .sqlite =
            {
                R"sql(UPDATE audit_calls SET location_validated = (
  SELECT CASE json_type(e.payload, '$.location.validated') WHEN 'true' THEN 1 ELSE 0 END
  FROM audit_entries e
  WHERE e.call_id = audit_calls.call_id AND e.kind = 'location.conveyed'
    AND json_type(e.payload, '$.location.validated') IN ('true', 'false')
  ORDER BY e.seq DESC LIMIT 1))sql",
            },
        .postgresql =
            {
                R"sql(UPDATE audit_calls SET location_validated = (
  SELECT CASE WHEN (e.payload::jsonb -> 'location' -> 'validated') = 'true'::jsonb THEN 1 ELSE 0 END
  FROM audit_entries e
  WHERE e.call_id = audit_calls.call_id AND e.kind = 'location.conveyed'
    AND jsonb_typeof(e.payload::jsonb -> 'location' -> 'validated') = 'boolean'
  ORDER BY e.seq DESC LIMIT 1))sql",
            },
    },
};

constexpr const char* kEntryColumns = kAuditEntryColumns;

// ---- the store ----

// Thrown by our own checks (not the database's).
struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class SqlAuditStore final : public AuditStore {
 public:
  SqlAuditStore(const sql::Dialect& dialect, const StoreLocation& location, const AuditStoreOptions& options)
      : dialect_(dialect), location_(location), options_(options) {
    if (options_.scan_page == 0) options_.scan_page = 1;
    guarded("open", [&] {
      if (dialect_.engine == sql::Engine::postgresql) {
        session_ = sql::open_postgresql(location.target, options_.connect_timeout_s);
        if (options_.idle_transaction_timeout_s > 0) {
          *session_ << "SET idle_in_transaction_session_timeout = " +
                           std::to_string(options_.idle_transaction_timeout_s * 1000),
              Poco::Data::Keywords::now;
        }
      } else {
        session_ = sql::open_sqlite(location.target, {.sync = options_.sqlite_sync,
                                                      .busy_timeout_ms = options_.connect_timeout_s * 1000});
      }
    });
    // Up to date: nothing to lock, nothing to create (the auditor's role
    // in production needs no DDL privilege).
    guarded("migrate", [&] { sql::migrate(*session_, dialect_, kMigrations); });
  }

  void append(const std::vector<AuditEntry>& entries, const std::vector<ConsumedOffset>& offsets) override {
    if (entries.empty() && offsets.empty()) return;
    std::lock_guard lock(mu_);
    guarded("append", [&] {
      sql::Transaction tx(*session_, dialect_);
      check_not_journaled(offsets);
      if (!entries.empty()) {
        check_continues(last_entry_locked(), entries);
        insert_entries(entries);
      }
      upsert_offsets(offsets);
      tx.commit();
    });
  }

  std::vector<AuditEntry> ingest(const std::vector<EntryDraft>& drafts, const std::vector<ConsumedOffset>& offsets,
                                 const Signer& signer) override {
    std::vector<AuditEntry> sealed;
    if (drafts.empty() && offsets.empty()) return sealed;
    std::lock_guard lock(mu_);
    guarded("ingest", [&] {
      sql::Transaction tx(*session_, dialect_);
      sealed.clear();
      check_not_journaled(offsets);
      const auto to_sql = [this](std::string_view q) { return sql(q); };
      // A call, lookup or registration journaled already (produced
      // twice) is not journaled again.
      const auto kept = without_journaled_registrations(
          *session_, to_sql,
          without_journaled_lookups(*session_, to_sql, without_journaled_calls(*session_, to_sql, drafts)));
      if (!kept.empty()) {
        // Sealed under the write lock: whoever appends next continues
        // from these, whichever process it is.
        auto last = last_entry_locked();
        sealed.reserve(kept.size());
        for (const auto& d : kept) {
          const AuditEntry* previous = sealed.empty() ? (last ? &*last : nullptr) : &sealed.back();
          sealed.push_back(chain_next(previous, d.kind, d.call_id, d.at, d.payload, signer));
        }
        insert_entries(sealed);
        update_call_rows(*session_, to_sql, sealed);
        record_lookup_ids(*session_, to_sql, sealed);
        record_registrations(*session_, to_sql, sealed);
      }
      upsert_offsets(offsets);
      tx.commit();
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
      sql::Transaction tx(*session_, dialect_);
      fn(*session_);
      tx.commit();
    });
  }

  std::string sql(std::string_view statement) const override { return sql::placeholders_for(dialect_, statement); }
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

  const std::string& name() const override { return location_.display_name; }
  Poco::Data::Session& session() override { return *session_; }

 private:
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
    detail = sql::without_secrets(location_, std::move(detail));
    // One line: the drivers' messages span several ("ERROR: ...\nDETAIL: ...").
    std::string line;
    for (char c : detail) {
      const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
      if (space && (line.empty() || line.back() == ' ')) continue;
      line += space ? ' ' : c;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return "audit store " + location_.display_name + ": " + operation + ": " + line;
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

  const sql::Dialect& dialect_;
  StoreLocation location_;  // its display_name for messages; its secrets kept out of them
  AuditStoreOptions options_;
  std::mutex mu_;
  std::unique_ptr<Poco::Data::Session> session_;
};

}  // namespace

StoreLocation parse_store_url(const std::string& url) { return sql::parse_location(url, "audit store"); }

std::unique_ptr<AuditStore> open_audit_store(const std::string& url, const AuditStoreOptions& options) {
  const auto loc = parse_store_url(url);
  return std::make_unique<SqlAuditStore>(
      sql::dialect_of(loc.kind == StoreLocation::Kind::postgresql ? sql::Engine::postgresql : sql::Engine::sqlite), loc,
      options);
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
