#include "common/sql/migrations.h"

#include <Poco/Data/Statement.h>

#include <stdexcept>
#include <string>

#include "common/sql/transaction.h"

namespace e911::sql {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

std::int64_t schema_version(Poco::Data::Session& session, const Dialect& dialect) {
  Poco::Int64 exists = 0;
  session << dialect.table_exists, bind(std::string("schema_version")), into(exists), now;
  if (exists == 0) return 0;
  Poco::Int64 version = 0;
  session << "SELECT COALESCE(MAX(version), 0) FROM schema_version", into(version), now;
  return version;
}

void migrate(Poco::Data::Session& session, const Dialect& dialect, std::span<const Migration> migrations) {
  const auto wanted = static_cast<std::int64_t>(migrations.size());
  const auto check_not_newer = [&](std::int64_t version) {
    if (version > wanted) {
      throw std::runtime_error("database schema version " + std::to_string(version) +
                               " is newer than this build knows (" + std::to_string(wanted) + ")");
    }
  };
  auto version = schema_version(session, dialect);
  if (version == wanted) return;
  check_not_newer(version);
  Transaction tx(session, dialect);
  session << "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)", now;
  session << "INSERT INTO schema_version (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version)", now;
  version = schema_version(session, dialect);
  check_not_newer(version);
  for (auto v = version; v < wanted; ++v) {
    const auto& m = migrations[static_cast<std::size_t>(v)];
    for (const char* s : m.both) session << s, now;
    for (const char* s : dialect.engine == Engine::postgresql ? m.postgresql : m.sqlite) session << s, now;
  }
  Poco::Int64 to = wanted;
  session << placeholders_for(dialect, "UPDATE schema_version SET version = ?"), bind(to), now;
  tx.commit();
}

}  // namespace e911::sql
