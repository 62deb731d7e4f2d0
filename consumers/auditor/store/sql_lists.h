#pragma once
// Statement text for many rows at once, shared by the store's writers
// (entries, call rows, lookup ids, registrations): placeholders only,
// never values (every value is a bound parameter).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace e911::auditor {

// Rows per multi-row statement: one round trip each for PostgreSQL.
inline constexpr std::size_t kRowsPerStatement = 250;

// Turns ? placeholders into the database's own (AuditStore::sql).
using SqlText = std::function<std::string(std::string_view)>;

// "?, ?, ?": `n` placeholders for an IN list.
std::string placeholders(std::size_t n);

// "(?, ?, ?), (?, ?, ?)": `rows` groups of `columns` placeholders.
std::string values_list(std::size_t rows, std::size_t columns);

}  // namespace e911::auditor
