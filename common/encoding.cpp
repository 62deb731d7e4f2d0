#include "common/encoding.h"

#include <Poco/Base64Encoder.h>
#include <Poco/URI.h>

#include <cstdint>
#include <sstream>

namespace e911 {
namespace {

std::string poco_base64(std::string_view bytes, int options) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, options);
  encoder.rdbuf()->setLineLength(0);  // one line
  encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// RFC 3986's gen-delims and sub-delims: with them reserved, Poco encodes
// everything but the unreserved characters.
constexpr const char* kReserved = ":/?#[]@!$&'()*+,;=";

}  // namespace

std::string base64_encode(std::string_view bytes) { return poco_base64(bytes, 0); }

std::string base64url_encode(std::string_view bytes) {
  return poco_base64(bytes, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base64url_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  Poco::URI::encode(std::string(text), kReserved, out);
  return out;
}

}  // namespace e911
