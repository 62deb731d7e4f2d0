#pragma once
// UTF-8, once for the whole project: decoding one character at a time
// (SMS counting and cutting must never split a character; logs, PIDF-LO
// documents and error messages must stay UTF-8 even when an event carries
// a stray byte), encoding, validation.

#include <cstddef>
#include <string>
#include <string_view>

namespace e911::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

struct Decoded {
  char32_t code_point = 0;
  std::size_t size = 1;  // bytes consumed, always >= 1 so callers advance
  bool valid = true;
};

// Decodes the character starting at s[i] (i < s.size()). An invalid or
// truncated sequence (overlong form, surrogate, past U+10FFFF) decodes as
// U+FFFD consuming one byte.
inline Decoded decode(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return Decoded{b0, 1, true};
  constexpr Decoded kInvalid{kReplacement, 1, false};
  std::size_t size = 0;
  char32_t cp = 0, min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    size = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    size = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    size = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return kInvalid;
  }
  if (i + size > s.size()) return kInvalid;
  for (std::size_t k = 1; k < size; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return kInvalid;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
  return Decoded{cp, size, true};
}

// Appends `code_point` encoded.
void append(std::string& out, char32_t code_point);

// Number of code points (invalid bytes count one each).
std::size_t length(std::string_view s);

// True if `s` is well-formed UTF-8 (no overlong forms, surrogates or values
// past U+10FFFF, nothing truncated).
bool valid(std::string_view s);

// `s` with every invalid byte replaced by U+FFFD.
std::string repaired(std::string_view s);

}  // namespace e911::utf8
