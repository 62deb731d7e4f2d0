#pragma once
// UTF-8 stepping for the notifier's text handling. SMS counting and cutting
// must never split a character, and what we render must be UTF-8 even when
// a registry or event carries a stray byte.

#include <cstddef>
#include <string>
#include <string_view>

namespace e911::notifier::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

struct Decoded {
  char32_t code_point = 0;
  std::size_t size = 1;  // bytes consumed, always >= 1 so callers advance
  bool valid = true;
};

// Decodes the character starting at s[i] (i < s.size()). An invalid or
// truncated sequence (overlong form, surrogate, past U+10FFFF) decodes as
// U+FFFD consuming one byte.
Decoded decode(std::string_view s, std::size_t i);

void append(std::string& out, char32_t code_point);

// Number of code points (invalid bytes count one each).
std::size_t length(std::string_view s);

}  // namespace e911::notifier::utf8
