#pragma once
// Classes of bytes as 256-entry tables built at compile time: the ingest's
// parsers check every byte of a SIP header name or an XML tag name through
// one, a single load rather than a chain of comparisons.

#include <array>
#include <string_view>

namespace e911::ingest {

using ByteClass = std::array<bool, 256>;

// The ASCII letters and digits, and each byte of `extra`.
constexpr ByteClass ascii_alnum_and(std::string_view extra) {
  ByteClass table{};
  for (char c = 'a'; c <= 'z'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c = 'A'; c <= 'Z'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c = '0'; c <= '9'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c : extra) table[static_cast<unsigned char>(c)] = true;
  return table;
}

}  // namespace e911::ingest
