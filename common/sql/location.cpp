#include "common/sql/location.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>

namespace e911::sql {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool looks_like_conninfo(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\n");
  if (begin == std::string_view::npos) return false;
  const auto end = s.find_first_of(" \t\n", begin);
  const auto word = s.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
  const auto eq = word.find('=');
  if (eq == 0 || eq == std::string_view::npos) return false;
  return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(eq),
                     [](char c) { return std::islower(static_cast<unsigned char>(c)) || c == '_'; });
}

// A quoted libpq value: 'it\'s'.
std::string conninfo_value(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

Location postgresql_location(const std::string& url, const std::string& what) {
  const bool is_uri = starts_with(url, "postgresql://") || starts_with(url, "postgres://");
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
  if (options == nullptr) {
    std::string why = err != nullptr ? err : "out of memory";
    if (err != nullptr) PQfreemem(err);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    // libpq quotes pieces of the input in its messages; when the input may
    // hold a password, say less.
    const auto at = url.find('@');
    const bool may_hold_password = url.find("password") != std::string::npos ||
                                   (is_uri && at != std::string::npos && url.find(':', url.find("://") + 3) < at);
    throw std::runtime_error(what + ": invalid PostgreSQL connection string (" +
                             (may_hold_password ? std::string("details withheld: it may hold a password") : why) + ")");
  }
  Location loc;
  loc.kind = Location::Kind::postgresql;
  std::string user, host, port, dbname;
  bool has_encoding = false;
  std::string bad_key;
  for (auto* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    const std::string_view key = o->keyword;
    const std::string_view val = o->val;
    if (key == "password") loc.secrets.emplace_back(val);
    if (key == "user") user = val;
    if (key == "host" || (key == "hostaddr" && host.empty())) host = val;
    if (key == "port") port = val;
    if (key == "dbname") dbname = val;
    if (key == "client_encoding") has_encoding = true;
    // Poco's connector splits its connection string on spaces before libpq
    // sees it, quotes or not.
    if (std::any_of(val.begin(), val.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
      if (bad_key.empty()) bad_key = key;
    }
    if (!loc.target.empty()) loc.target += ' ';
    loc.target += std::string(key) + '=' + conninfo_value(val);
  }
  PQconninfoFree(options);
  loc.display_name =
      "postgresql://" + (user.empty() ? "" : user + "@") + host + (port.empty() ? "" : ":" + port) + "/" + dbname;
  if (!bad_key.empty()) {
    throw std::runtime_error(what + " " + loc.display_name + ": the value of " + bad_key +
                             " holds white space, which Poco's PostgreSQL connector cannot pass on" +
                             (bad_key == "password" ? " (put such a password in PGPASSWORD or ~/.pgpass)" : ""));
  }
  if (!has_encoding) loc.target += std::string(loc.target.empty() ? "" : " ") + "client_encoding='UTF8'";
  return loc;
}

}  // namespace

Location parse_location(const std::string& url, const std::string& what) {
  if (url.empty()) throw std::runtime_error(what + ": no location given");
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://") || looks_like_conninfo(url)) {
    return postgresql_location(url, what);
  }
  Location loc;
  loc.kind = Location::Kind::sqlite;
  std::string path = url;
  if (starts_with(url, "sqlite:")) {
    path = url.substr(7);
    if (starts_with(path, "//")) {
      if (!starts_with(path, "///")) {
        throw std::runtime_error(what + " " + url + ": write sqlite:/absolute/path or sqlite:relative/path");
      }
      path = path.substr(2);
    }
  }
  if (path.empty()) throw std::runtime_error(what + " " + url + ": no file named");
  loc.target = path;
  loc.display_name = "sqlite:" + path;
  return loc;
}

std::string without_secrets(const Location& location, std::string detail) {
  for (const auto& secret : location.secrets) {
    if (secret.empty()) continue;
    for (std::size_t at = 0; (at = detail.find(secret, at)) != std::string::npos; at += 3) {
      detail.replace(at, secret.size(), "***");
    }
  }
  return detail;
}

}  // namespace e911::sql
