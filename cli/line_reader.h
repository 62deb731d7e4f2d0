#pragma once
// Reads JSON lines from a stream with a hard cap on line length: a hostile
// multi-gigabyte "line" is skipped in bounded memory and reported, not
// buffered whole. Reads in large blocks (a million lines a second is the
// normal case for `e911 resolve`).

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace e911::cli {

class LineReader {
 public:
  LineReader(std::FILE* in, std::size_t max_line, std::size_t block_size = 1 << 20)
      : in_(in), max_line_(max_line), buffer_(block_size) {}

  // Next line without its newline (or CRLF); false at end of input.
  // `too_long` is set when the line exceeded the cap (its content is then
  // dropped).
  bool next(std::string& line, bool& too_long);
  std::size_t line_number() const { return line_number_; }

 private:
  bool refill();

  std::FILE* in_;
  std::size_t max_line_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::size_t line_number_ = 0;
};

}  // namespace e911::cli
