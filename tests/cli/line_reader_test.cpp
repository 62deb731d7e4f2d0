#include "cli/line_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace e911::cli {
namespace {

struct Line {
  std::string text;
  bool too_long;
  bool operator==(const Line&) const = default;
};

// Every line of `input`, read through blocks of `block` bytes.
std::vector<Line> read_all(std::string input, std::size_t max_line, std::size_t block) {
  std::FILE* f = fmemopen(input.data(), input.size(), "r");
  LineReader reader(f, max_line, block);
  std::vector<Line> out;
  std::string line;
  bool too_long = false;
  while (reader.next(line, too_long)) out.push_back({line, too_long});
  std::fclose(f);
  return out;
}

TEST(LineReader, SplitsLinesAcrossBlocksAndCapsLength) {
  const std::string input = "first\r\n\nsecond line\n" + std::string(40, 'x') + "\nafter\nlast-without-newline";
  for (const std::size_t block : {1u, 2u, 3u, 7u, 64u, 4096u}) {
    const auto lines = read_all(input, 20, block);
    const std::vector<Line> expected = {{"first", false}, {"", false},      {"second line", false},
                                        {"", true},       {"after", false}, {"last-without-newline", false}};
    EXPECT_EQ(lines, expected) << "block " << block;
  }
  EXPECT_TRUE(read_all("", 10, 4).empty());
  EXPECT_EQ(read_all(std::string(20, 'y') + "\n", 20, 3), (std::vector<Line>{{std::string(20, 'y'), false}}));
}

}  // namespace
}  // namespace e911::cli
