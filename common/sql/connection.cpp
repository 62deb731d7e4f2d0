#include "common/sql/connection.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
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

std::string with_liveness_checks(const std::string& conninfo) {
  // A server gone silently (its host lost, a NAT or firewall that forgot
  // the connection) sends no reset: without these a query waits on the
  // system's TCP keepalive, 2 hours by default, before the retry logic
  // above (reconnect on a connection error) can start. Keepalive probes
  // after 10 s idle, every 5 s, 3 unanswered: about 25 s; data sent and
  // not acknowledged for 30 s ends the connection too. Each is kept when
  // the connection string sets it.
  static constexpr std::pair<std::string_view, std::string_view> kDefaults[] = {
      {"keepalives", "1"},          {"keepalives_idle", "10"},       {"keepalives_interval", "5"},
      {"keepalives_count", "3"},    {"tcp_user_timeout", "30000"},
  };
  std::string out = conninfo;
  for (const auto& [key, value] : kDefaults) {
    if (out.find(std::string(key) + "=") != std::string::npos) continue;
    out += " " + std::string(key) + "=" + std::string(value);
  }
  return out;
}

std::unique_ptr<Poco::Data::Session> open_postgresql(const std::string& conninfo, int connect_timeout_s) {
  const auto checked = with_liveness_checks(conninfo);
  probe_postgresql(checked, connect_timeout_s);
  Poco::Data::PostgreSQL::Connector::registerConnector();
  // The login timeout becomes libpq's connect_timeout unless the
  // connection string sets one. The server may go away between the probe
  // and this connect (a restart, a proxy in between): the failure is then a
  // std::runtime_error too, its text one is_connection_error() knows, so
  // callers that wait for a server retry it rather than stop (the fault
  // campaign found a notifier starting just then exiting on Poco's
  // ConnectionFailedException).
  try {
    return std::make_unique<Poco::Data::Session>("PostgreSQL", checked, static_cast<std::size_t>(connect_timeout_s));
  } catch (const Poco::Exception& e) {
    throw std::runtime_error(e.displayText());
  }
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
