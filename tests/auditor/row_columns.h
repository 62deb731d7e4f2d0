#pragma once
// Checking a row of named columns (an audit_calls row or a CSV record, read
// into column -> text) against the values a test expects: one list of
// column/value pairs, each mismatch reported with its column's name. A
// column the row lacks reads as "" (as NULL does).

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace e911::auditor::test {

using ColumnValues = std::vector<std::pair<std::string, std::string>>;

inline void expect_columns(const std::map<std::string, std::string>& row, const ColumnValues& expected) {
  for (const auto& [column, value] : expected) {
    const auto it = row.find(column);
    EXPECT_EQ(it == row.end() ? std::string() : it->second, value) << "column " << column;
  }
}

}  // namespace e911::auditor::test
