#pragma once
// Reading a column of the current row of a Poco RecordSet: a whole number
// (optional_i64: nullopt for NULL), or text ("" for NULL).

#include <Poco/Data/RecordSet.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace e911::sql {

inline std::int64_t i64(Poco::Data::RecordSet& rs, std::size_t col) { return rs.value(col).convert<Poco::Int64>(); }

inline std::optional<std::int64_t> optional_i64(Poco::Data::RecordSet& rs, std::size_t col) {
  const auto& v = rs.value(col);
  if (v.isEmpty()) return std::nullopt;
  return v.convert<Poco::Int64>();
}

inline std::string str(Poco::Data::RecordSet& rs, std::size_t col) {
  const auto& v = rs.value(col);
  return v.isEmpty() ? std::string() : v.convert<std::string>();
}

}  // namespace e911::sql
