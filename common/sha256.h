#pragma once
// SHA-256 and HMAC-SHA256 as lower-case hex, for the project's hashes and
// signatures: the audit chain, API token hashes, the ingest's event ids,
// the notifier's webhook signatures, the platform webhooks the ingest checks.

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace e911 {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest sha256(std::string_view data);
// The SHA-256 of the parts one after the other, as if joined first.
Sha256Digest sha256(std::initializer_list<std::string_view> parts);
std::string sha256_hex(std::string_view data);
// Appends the first `hex_chars` (at most 64) lower-case hex digits of
// `digest` to `out`: ids built from a hash need no intermediate string.
void append_hex(std::string& out, const Sha256Digest& digest, std::size_t hex_chars = 64);

// HMAC-SHA256 of `data` under `key` (RFC 2104): the 32 bytes, and as
// lower-case hex.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Compares in time that depends only on the lengths (signatures, tokens).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace e911
