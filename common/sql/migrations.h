#pragma once
// Versioned schema migrations, one runner for every store: schema_version
// holds how many have run; what a build has beyond that runs in one write
// transaction, re-checked under the lock (another process may have
// migrated meanwhile). An up-to-date database is only read (a role
// without DDL privileges can open it); a newer one is refused.

#include <Poco/Data/Session.h>

#include <span>
#include <vector>

#include "common/sql/dialect.h"

namespace e911::sql {

// Append only; never edit one that has shipped. The statements both
// databases run, then the ones only one of them runs; one statement per
// string (PostgreSQL prepares statements one at a time, and a trigger
// body holds semicolons).
struct Migration {
  std::vector<const char*> both;
  std::vector<const char*> sqlite;
  std::vector<const char*> postgresql;
};

// Brings the database to migrations.size(). Throws std::runtime_error
// ("database schema version N is newer than this build knows (M)") or
// what the database says.
void migrate(Poco::Data::Session& session, const Dialect& dialect, std::span<const Migration> migrations);

// The database's schema version (0: none yet).
std::int64_t schema_version(Poco::Data::Session& session, const Dialect& dialect);

}  // namespace e911::sql
