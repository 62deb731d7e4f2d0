#pragma once
// Reads JSON lines from a stream with a hard cap on line length: a hostile
// multi-gigabyte "line" is skipped in bounded memory and reported, not
// buffered whole.

#include <cstddef>
#include <cstdio>
#include <string>

namespace e911::cli {

class LineReader {
 public:
  LineReader(std::FILE* in, std::size_t max_line) : in_(in), max_line_(max_line) {}

  // Next line without its newline; false at end of input. `too_long` is set
  // when the line exceeded the cap (its content is then dropped).
  bool next(std::string& line, bool& too_long);
  std::size_t line_number() const { return line_number_; }

 private:
  std::FILE* in_;
  std::size_t max_line_;
  std::size_t line_number_ = 0;
};

}  // namespace e911::cli
