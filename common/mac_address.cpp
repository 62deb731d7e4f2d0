#include "common/mac_address.h"

namespace e911 {

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  if (text.size() < 12 || text.size() > 17) return std::nullopt;
  std::uint64_t bits = 0;
  int digits = 0;
  char separator = 0;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else if (c == ':' || c == '-' || c == '.') {
      // One kind of separator per address; "00:11-22..." is a typo.
      if (separator != 0 && separator != c) return std::nullopt;
      separator = c;
      continue;
    } else {
      return std::nullopt;
    }
    bits = (bits << 4) | static_cast<std::uint64_t>(v);
    ++digits;
  }
  if (digits != 12) return std::nullopt;
  // Separators must fall on group boundaries: every 2 digits (: -) or 4 (.).
  if (separator != 0) {
    const std::size_t group = separator == '.' ? 4 : 2;
    std::size_t run = 0;
    for (char c : text) {
      if (c == separator) {
        if (run != group) return std::nullopt;
        run = 0;
      } else {
        ++run;
      }
    }
    if (run != group) return std::nullopt;
  }
  return MacAddress(bits);
}

std::string MacAddress::to_string() const {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(17);
  for (int i = 5; i >= 0; --i) {
    const auto byte = static_cast<unsigned>((bits_ >> (i * 8)) & 0xff);
    out += hex[byte >> 4];
    out += hex[byte & 0xf];
    if (i) out += ':';
  }
  return out;
}

}  // namespace e911
