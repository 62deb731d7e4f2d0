#pragma once
// Small, allocation-light string helpers shared by decoders and validators.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace e911 {

// Quotes a value for an error message: JSON-style escaping, bytes that are
// not UTF-8 as \xNN (so the message is valid UTF-8 whatever came in), and
// cut to `max_chars` characters so a hostile multi-megabyte value never
// floods a log.
std::string quote_for_message(std::string_view value, std::size_t max_chars = 80);

std::string to_lower_ascii(std::string_view s);
std::string to_upper_ascii(std::string_view s);
// Without leading and trailing spaces, tabs and line ends. Inline: the
// decoders call it for every header, parameter and field they read.
inline std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}
// The items with `separator` between them ("a, b, c"); "" for none.
std::string join(const std::vector<std::string>& items, std::string_view separator);

// True if `s` is well-formed UTF-8 (utf8::valid).
bool is_valid_utf8(std::string_view s);
// The same, and without NUL or other C0 control characters (or DEL).
bool is_clean_utf8(std::string_view s);

// & < > " ' as entities: text safe in HTML element content and in quoted
// attribute values (the notifier's e-mails, the audit console's pages).
std::string html_escape(std::string_view text);

}  // namespace e911
