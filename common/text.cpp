#include "common/text.h"

#include <cstdint>

#include "common/utf8.h"

namespace e911 {

std::string quote_for_message(std::string_view value, std::size_t max_chars) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  std::size_t shown = 0;
  for (std::size_t i = 0; i < value.size();) {
    if (shown == max_chars) {
      out += "...";
      break;
    }
    ++shown;
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x80) {
      // A character stays whole; a byte that is not UTF-8 is shown as
      // \xNN, so the message is valid UTF-8 whatever came in.
      const auto d = utf8::decode(value, i);
      if (d.valid) {
        out.append(value.substr(i, d.size));
      } else {
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      }
      i += d.size;
      continue;
    }
    ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string to_upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

bool is_valid_utf8(std::string_view s) { return utf8::valid(s); }

bool is_clean_utf8(std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return false;
  }
  return is_valid_utf8(s);
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace e911
