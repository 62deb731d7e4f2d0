#pragma once
// SHA-256 and HMAC-SHA256 as lower-case hex, for the project's hashes and
// signatures: the audit chain, API token hashes, the ingest's event ids,
// the notifier's webhook signatures, the platform webhooks the ingest checks.

#include <string>
#include <string_view>

namespace e911 {

std::string sha256_hex(std::string_view data);

// HMAC-SHA256 of `data` under `key` (RFC 2104): the 32 bytes, and as
// lower-case hex.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Compares in time that depends only on the lengths (signatures, tokens).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace e911
