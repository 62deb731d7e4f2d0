#pragma once
// The audit journal's store: entries and the Kafka offsets they were made
// from, in one database through Poco::Data. SQLite (one file, WAL) by
// default, PostgreSQL in production; the same schema and versioned
// migrations in both (docs/auditor.md, "Store").
//
// Effectively-once: append() writes a batch of entries and the consumer
// group's next offsets in ONE transaction, and a consumer resumes from
// offsets() after a restart or a rebalance, so every consumed record is in
// the journal exactly once whatever crashes when.
//
// Append-only: the database itself refuses UPDATE and DELETE on
// audit_entries (SQLite triggers; a PostgreSQL trigger, TRUNCATE too).
// Whoever owns the file or the database can still get around that; the
// hash chain and the signatures (verify_chain) are what catch them.
//
// Errors: std::runtime_error naming the store ("audit store
// sqlite:/var/lib/e911/audit.db: ...", "audit store
// postgresql://auditor@db:5432/e911: ...") and what failed; never a
// password.
//
// Threads: one connection behind a mutex; any method from any thread.
// scan() does not hold the connection while its callback runs (which may
// call the store).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sql/connection.h"
#include "common/sql/location.h"
#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/journal/entry_signer.h"

namespace Poco::Data {
class Session;
}

namespace e911::auditor {

// The next offset to consume, per consumer group, topic and partition
// (Kafka's committed-offset meaning: the first record not yet journaled).
struct ConsumedOffset {
  std::string group;
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t next_offset = 0;
  // The offset of the batch's first record in this partition, or -1. When
  // set, ingest()/append() refuse the batch if the stored next offset is
  // already past it: another auditor instance journaled those records
  // after taking the partition over (a rebalance while this one was
  // retrying a failed store). Re-read offsets() and drop what is there.
  std::int64_t first_offset = -1;

  bool operator==(const ConsumedOffset&) const = default;
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // ONE transaction: `entries` and `offsets` (upserted by group, topic,
  // partition), or nothing. The entries must continue the chain: the
  // first one's seq is the last stored seq + 1 (1 for an empty journal)
  // and its prev_hash is that entry's hash (kGenesisHash first), and each
  // following entry continues the one before it in the batch; otherwise
  // std::runtime_error naming both seqs, and nothing written. Checked here
  // because nothing written can ever be taken back: a broken link would
  // fail verification forever. Hashes and signatures are not recomputed
  // (that is verify_chain's job). Either vector may be empty.
  virtual void append(const std::vector<AuditEntry>& entries, const std::vector<ConsumedOffset>& offsets) = 0;

  // What the auditor consumer calls. ONE transaction, holding the
  // journal's write lock (so several auditor processes writing one
  // database keep one chain): seals `drafts` after the journal's last
  // entry (chain_next with `signer`), inserts them, updates the derived
  // per-call rows (audit_calls, audit_alerts: call_query.h) from them, and
  // upserts `offsets`. An elin.lookup draft whose lookup_id the journal
  // has already (or that comes again in `drafts`) is left out
  // (elin_lookup_keys.h), and so is a location.registered or
  // location.withdrawn draft whose event_id / withdrawal_id it has
  // (registration_rows.h, which also keeps audit_registrations). Returns
  // the sealed entries. Either vector may be empty.
  virtual std::vector<AuditEntry> ingest(const std::vector<EntryDraft>& drafts,
                                         const std::vector<ConsumedOffset>& offsets, const Signer& signer) = 0;

  // Runs `fn` with the connection under the store's lock (reads: queries,
  // reports). Errors thrown by `fn` become std::runtime_error naming the
  // store and `operation`.
  virtual void with_connection(const char* operation, const std::function<void(Poco::Data::Session&)>& fn) = 0;
  // The same inside ONE write transaction holding the journal's write
  // lock: committed if `fn` returns, rolled back if it throws (purge).
  virtual void in_write_transaction(const char* operation,
                                    const std::function<void(Poco::Data::Session&)>& fn) = 0;
  // `statement` with ? placeholders, as this database wants it ($1, $2...
  // for PostgreSQL).
  virtual std::string sql(std::string_view statement) const = 0;
  virtual bool is_postgresql() const = 0;

  // The entry with the highest seq; nullopt for an empty journal.
  virtual std::optional<AuditEntry> last_entry() = 0;

  // The group's stored offsets, by topic and partition.
  virtual std::vector<ConsumedOffset> offsets(const std::string& group) = 0;

  // Calls `each` with every entry whose seq >= from_seq, in seq order,
  // until it returns false. Reads one page at a time (keyset pagination on
  // seq; AuditStoreOptions::scan_page entries per query), so a journal of
  // any size streams in constant memory, and entries appended during the
  // scan are seen when the scan reaches them.
  virtual void scan(std::int64_t from_seq, const std::function<bool(const AuditEntry&)>& each) = 0;

  virtual std::int64_t count() = 0;

  // "sqlite:/var/lib/e911/audit.db", "postgresql://auditor@db:5432/e911":
  // for messages, without a password.
  virtual const std::string& name() const = 0;

  // The connection itself, for maintenance and tests (which show that the
  // database refuses an UPDATE sent through it). Do not write entries
  // through it.
  virtual Poco::Data::Session& session() = 0;
};

// full (synchronous=FULL: every committed entry is on disk; compliance
// records: the default) or normal (survives a process crash; the last
// commits may be lost on power loss).
using SqliteSync = sql::SqliteSync;

struct AuditStoreOptions {
  std::size_t scan_page = 1000;  // entries per query in scan()
  SqliteSync sqlite_sync = SqliteSync::full;
  int connect_timeout_s = 10;  // PostgreSQL: connect_timeout unless the URL sets one; SQLite: busy timeout
  // PostgreSQL: the server ends this session's transactions idle that long
  // (0: never). A writer frozen mid-batch (a long pause, a stalled VM)
  // holds the journal's write lock: the other auditor waits that long at
  // most, not for as long as it is frozen; the frozen one, when it wakes,
  // finds its connection gone and writes its batch again on a fresh one
  // (the chain's checks make that safe).
  int idle_transaction_timeout_s = 30;
};

// What a store URL names.
//   sqlite:/path/to/audit.db, sqlite:relative.db, sqlite:///abs/audit.db,
//   or a bare path                          -> SQLite, that file
//   postgresql://user[:password]@host[:port]/db[?param=value&...],
//   postgres://...                          -> PostgreSQL
//   host=db port=5432 dbname=e911 user=...  -> PostgreSQL (libpq key=value;
//                                              what Poco's connector takes)
// A bare path with '=' in its first word reads as key=value: write
// sqlite: before it.
// The store's database (common/sql/location.h, messages naming the
// "audit store").
using StoreLocation = sql::Location;
StoreLocation parse_store_url(const std::string& url);

// Opens (creating, for SQLite) the store and brings its schema up to date.
std::unique_ptr<AuditStore> open_audit_store(const std::string& url, const AuditStoreOptions& options = {});

// Opens the journal's store: a fresh connection each call (the consumer
// after a store error, the chain watch for each verification). Throws
// std::runtime_error naming the store.
using AuditStoreOpener = std::function<std::unique_ptr<AuditStore>()>;

// An EntrySource (for verify_chain) over the store's entries from
// `from_seq` on, read `page` at a time through scan(): constant memory
// whatever the journal's size. With `page` equal to the store's scan_page
// (both 1000 by default) each refill is one query.
EntrySource entries_from(AuditStore& store, std::int64_t from_seq = 1, std::size_t page = 1000);

}  // namespace e911::auditor
