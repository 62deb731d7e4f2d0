#include "cli/line_reader.h"

namespace e911::cli {

bool LineReader::next(std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  int c;
  bool any = false;
  while ((c = std::getc(in_)) != EOF) {
    any = true;
    if (c == '\n') break;
    if (line.size() < max_line_) line.push_back(static_cast<char>(c));
    else too_long = true;
  }
  if (!any) return false;
  ++line_number_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (too_long) line.clear();
  return true;
}

}  // namespace e911::cli
