#pragma once
// Checking that a test's output (a rendered page, a log line, a timeline)
// holds each of some pieces of text, or none of them: one failure per
// piece that is missing (or present), each showing the whole text.

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

namespace e911::test {

inline void expect_contains_all(std::string_view text, std::initializer_list<std::string_view> pieces) {
  for (const auto piece : pieces) {
    EXPECT_NE(text.find(piece), std::string_view::npos) << "missing \"" << piece << "\" in:\n" << text;
  }
}

inline void expect_contains_none(std::string_view text, std::initializer_list<std::string_view> pieces) {
  for (const auto piece : pieces) {
    EXPECT_EQ(text.find(piece), std::string_view::npos) << "unexpected \"" << piece << "\" in:\n" << text;
  }
}

}  // namespace e911::test
