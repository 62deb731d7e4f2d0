#pragma once
// A WHERE clause built from fixed SQL text with ? placeholders, its values
// kept apart and only ever bound, in the order the placeholders appear:
// how the auditors' queries (call_query.h, registration_query.h) turn a
// filter into SQL without building SQL from values.

#include <Poco/Data/Statement.h>

#include <string>
#include <variant>
#include <vector>

namespace e911::auditor {

using SqlParam = std::variant<std::string, Poco::Int64>;

struct Conditions {
  std::vector<std::string> clauses;
  std::vector<SqlParam> params;

  void add(std::string clause, std::vector<SqlParam> values = {}) {
    clauses.push_back(std::move(clause));
    for (auto& v : values) params.push_back(std::move(v));
  }
  std::string where() const {
    std::string out;
    for (const auto& c : clauses) out += (out.empty() ? " WHERE " : " AND ") + c;
    return out;
  }
};

inline void bind_all(Poco::Data::Statement& stmt, const std::vector<SqlParam>& params) {
  for (const auto& p : params) {
    if (const auto* s = std::get_if<std::string>(&p)) {
      stmt, Poco::Data::Keywords::bind(*s);
    } else {
      stmt, Poco::Data::Keywords::bind(std::get<Poco::Int64>(p));
    }
  }
}

}  // namespace e911::auditor
