#pragma once
// Opening the stores' databases: a SQLite file with the PRAGMAs every
// store wants (WAL, synchronous, busy timeout), a PostgreSQL server after
// a libpq probe that says why a connection fails.

#include <Poco/Data/Session.h>

#include <memory>
#include <string>
#include <string_view>

namespace e911::sql {

enum class SqliteSync { full, normal };

struct SqliteSettings {
  // FULL: every committed transaction is on disk; NORMAL: WAL's default,
  // a power cut may lose the last transactions (never corrupts).
  SqliteSync sync = SqliteSync::full;
  int busy_timeout_ms = 10000;  // how long a writer waits for another's lock
};

// Opens (creating) the file at `path`. Throws std::runtime_error when its
// folder does not exist (said at once: Poco would retry for its login
// timeout) or what SQLite says.
std::unique_ptr<Poco::Data::Session> open_sqlite(const std::string& path, const SqliteSettings& settings);

// Connects to `conninfo` (libpq key=value form). Connects with libpq
// itself first and throws std::runtime_error with its one-line reason:
// Poco 1.11's PostgreSQL session leaks the connection object of a failed
// connect and says less. A connect of Poco's that fails after the probe
// succeeded throws std::runtime_error too (Poco's text).
// Keepalives and tcp_user_timeout are added (connection.cpp says why)
// unless `conninfo` sets them.
std::unique_ptr<Poco::Data::Session> open_postgresql(const std::string& conninfo, int connect_timeout_s);
// `conninfo` with those liveness settings it does not set itself.
std::string with_liveness_checks(const std::string& conninfo);

// Whether a PostgreSQL error message says the connection is gone (the
// server shut down or restarted, the network dropped it, or it cannot be
// opened), as opposed to a statement the server refused or a connection
// it refused for good (authentication, a missing database or role): the
// former is worth a new connection and another try.
bool is_connection_error(std::string_view message);

}  // namespace e911::sql
