#pragma once
// Where a store's database is, from the URL an operator writes:
// sqlite:PATH (or a bare path), postgresql://... / postgres://..., or a
// libpq key=value connection string.

#include <string>
#include <vector>

namespace e911::sql {

struct Location {
  enum class Kind { sqlite, postgresql };
  Kind kind = Kind::sqlite;
  std::string target;                // SQLite: the file; PostgreSQL: a libpq key=value string
  std::string display_name;          // for messages, never with a password
  std::vector<std::string> secrets;  // values kept out of messages (the password)
};

// `what` names the store in messages ("audit store"). Throws
// std::runtime_error (without the password) for what cannot be parsed.
// PostgreSQL values with white space cannot pass through Poco's connector
// (it splits on spaces): refused, with advice to use PGPASSWORD or
// ~/.pgpass for such a password. A PostgreSQL target gets
// client_encoding='UTF8' unless it sets one.
Location parse_location(const std::string& url, const std::string& what);

// `detail` (a driver's message, which may echo the connection string)
// with each of the location's secrets replaced by "***".
std::string without_secrets(const Location& location, std::string detail);

}  // namespace e911::sql
