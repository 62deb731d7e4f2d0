#pragma once
// Splitting a line of whitespace-separated fields (a /proc file's line, a
// people file's line) into its fields: the runs of characters between runs
// of separators, so leading, trailing and repeated separators make no empty
// field. The fields view `text`, which must outlive them.

#include <cstddef>
#include <string_view>
#include <vector>

namespace e911 {

// `separators`: the characters that separate fields (" \n", " \t").
inline std::vector<std::string_view> split_fields(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> fields;
  std::size_t start = text.find_first_not_of(separators);
  while (start != std::string_view::npos) {
    const std::size_t end = text.find_first_of(separators, start);
    fields.push_back(text.substr(start, end - start));  // when end is npos: the rest of `text`
    start = text.find_first_not_of(separators, end);
  }
  return fields;
}

}  // namespace e911
