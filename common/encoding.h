#pragma once
// Byte encodings, once for the whole project: base64 (dead-letter
// payloads, SMTP AUTH and encoded words), base64url (JWS, acknowledgement
// tokens, query cursors) and percent-encoding (query strings, form bodies
// of SMS gateways). Encoding is Poco's; see base64url_decode for why
// decoding is not.

#include <optional>
#include <string>
#include <string_view>

namespace e911 {

// RFC 4648 section 4, with padding, on one line.
std::string base64_encode(std::string_view bytes);

// RFC 4648 section 5, without padding (RFC 7515 section 2).
std::string base64url_encode(std::string_view bytes);

// The inverse of base64url_encode, strictly: no padding, no character
// outside the alphabet, and the unused low bits of the last character zero,
// so every byte string has exactly one accepted spelling (a signature or a
// cursor cannot be respelled). Poco's decoder accepts padding, line breaks
// and non-zero trailing bits, hence this one. nullopt when not such text.
std::optional<std::string> base64url_decode(std::string_view text);

// RFC 4648 section 4 (the standard alphabet), strictly as above, with or
// without its padding; no line breaks. What platforms send as "base64"
// (Microsoft Graph's encrypted notifications). nullopt when not such text.
std::optional<std::string> base64_decode(std::string_view text);

// Every byte but the RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~)
// as %XX, upper-case hex: safe in a path segment, a query name or value,
// and an application/x-www-form-urlencoded body.
std::string percent_encode(std::string_view text);

// The inverse of percent-encoding (RFC 3986 section 2.1); '+' is a space
// when `plus_is_space` (query strings and form bodies). nullopt on a '%'
// not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// `bytes` bytes from std::random_device, as lower-case hex: tokens,
// secrets and unique ids.
std::string random_hex(int bytes);

}  // namespace e911
