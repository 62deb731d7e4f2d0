#include "cli/line_reader.h"

#include <cstring>

namespace e911::cli {

bool LineReader::refill() {
  if (eof_) return false;
  pos_ = 0;
  end_ = std::fread(buffer_.data(), 1, buffer_.size(), in_);
  if (end_ == 0) eof_ = true;
  return end_ > 0;
}

bool LineReader::next(std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  bool any = false;
  for (;;) {
    if (pos_ == end_ && !refill()) break;
    any = true;
    const char* start = buffer_.data() + pos_;
    const auto available = end_ - pos_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', available));
    const std::size_t take = newline ? static_cast<std::size_t>(newline - start) : available;
    if (!too_long) {
      if (line.size() + take <= max_line_) {
        line.append(start, take);
      } else {
        too_long = true;
        line.clear();
      }
    }
    pos_ += take;
    if (newline) {
      ++pos_;
      break;
    }
  }
  if (!any) return false;
  ++line_number_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

}  // namespace e911::cli
