#pragma once
// Counting where a piece of text stands in a test's output (a rendered
// report, a command's stdout): how many times `needle` occurs in `text`,
// overlapping occurrences included.

#include <cstddef>
#include <string>

namespace e911::test {

inline std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace e911::test
