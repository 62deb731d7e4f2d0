#include "common/sql/connection.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Statement.h>
#include <libpq-fe.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace e911::sql {

using Poco::Data::Keywords::now;

std::unique_ptr<Poco::Data::Session> open_sqlite(const std::string& path, const SqliteSettings& settings) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent)) {
    throw std::runtime_error("no such directory: " + parent.string());
  }
  Poco::Data::SQLite::Connector::registerConnector();
  auto session = std::make_unique<Poco::Data::Session>("SQLite", path, 5);
  auto& s = *session;
  s << "PRAGMA journal_mode=WAL", now;
  s << (settings.sync == SqliteSync::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"), now;
  s << "PRAGMA busy_timeout=" + std::to_string(settings.busy_timeout_ms), now;
  return session;
}

namespace {

void probe_postgresql(const std::string& target, int connect_timeout_s) {
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

}  // namespace

std::unique_ptr<Poco::Data::Session> open_postgresql(const std::string& conninfo, int connect_timeout_s) {
  probe_postgresql(conninfo, connect_timeout_s);
  Poco::Data::PostgreSQL::Connector::registerConnector();
  // The login timeout becomes libpq's connect_timeout unless the
  // connection string sets one.
  return std::make_unique<Poco::Data::Session>("PostgreSQL", conninfo, static_cast<std::size_t>(connect_timeout_s));
}

bool is_connection_error(std::string_view message) {
  // libpq's and Poco's wordings (libpq fe-connect.c, fe-misc.c; the server's
  // admin shutdown, SQLSTATE 57P01, and crash recovery, 57P03).
  static constexpr std::string_view kSigns[] = {
      "server closed the connection", "terminating connection", "connection to server",
      "could not connect",            "Not connected",          "no connection to the server",
      "could not send data",          "could not receive data", "the database system is",
      "connection not open",          "Connection refused",     "SSL SYSCALL error",
  };
  // What another connection would meet again: the configuration's to fix.
  static constexpr std::string_view kRefusals[] = {
      "authentication failed", "does not exist", "permission denied", "no pg_hba.conf entry", "password",
  };
  for (const auto refusal : kRefusals) {
    if (message.find(refusal) != std::string_view::npos) return false;
  }
  for (const auto sign : kSigns) {
    if (message.find(sign) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace e911::sql
