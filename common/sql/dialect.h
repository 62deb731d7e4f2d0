#pragma once
// What differs between the two databases the stores run on (SQLite and
// PostgreSQL); everything else in their SQL is shared.

#include <string>
#include <string_view>
#include <vector>

namespace e911::sql {

enum class Engine { sqlite, postgresql };

struct Dialect {
  Engine engine = Engine::sqlite;
  bool dollar_placeholders = false;      // $1, $2... instead of ?
  std::vector<const char*> begin_write;  // starts a transaction holding the database's write lock
  // COUNT(*) of tables named ? in the current schema.
  const char* table_exists = nullptr;
};

const Dialect& sqlite_dialect();
const Dialect& postgresql_dialect();
const Dialect& dialect_of(Engine engine);

// `statement` for `dialect`: ? placeholders become $1, $2... for
// PostgreSQL (outside quoted text; the stores' statements carry no
// literal '?').
std::string placeholders_for(const Dialect& dialect, std::string_view statement);

}  // namespace e911::sql
