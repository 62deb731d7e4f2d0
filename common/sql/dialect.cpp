#include "common/sql/dialect.h"

namespace e911::sql {

const Dialect& sqlite_dialect() {
  static const Dialect d{
      .engine = Engine::sqlite,
      .dollar_placeholders = false,
      // IMMEDIATE: take the write lock at once. A deferred transaction
      // that reads and then writes could fail to upgrade its lock
      // (SQLITE_BUSY) when another writer got in between.
      .begin_write = {"BEGIN IMMEDIATE"},
      .table_exists = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
  };
  return d;
}

const Dialect& postgresql_dialect() {
  static const Dialect d{
      .engine = Engine::postgresql,
      .dollar_placeholders = true,
      // Writers (and migrations) take one transaction-scoped advisory lock,
      // so a second writer waits and then sees the first one's rows rather
      // than both reading the same last row. Advisory locks need no table
      // privilege (LOCK TABLE in a mode strong enough would need UPDATE or
      // DELETE, which a writer's role may lack). The key is an arbitrary
      // constant ("e911" in ASCII).
      .begin_write = {"BEGIN", "SELECT pg_advisory_xact_lock(1697722673)"},
      .table_exists =
          "SELECT COUNT(*) FROM information_schema.tables "
          "WHERE table_schema = current_schema() AND table_name = $1",
  };
  return d;
}

const Dialect& dialect_of(Engine engine) {
  return engine == Engine::postgresql ? postgresql_dialect() : sqlite_dialect();
}

std::string placeholders_for(const Dialect& dialect, std::string_view statement) {
  if (!dialect.dollar_placeholders) return std::string(statement);
  std::string out;
  out.reserve(statement.size() + 8);
  int n = 0;
  char quote = 0;
  for (char c : statement) {
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

}  // namespace e911::sql
