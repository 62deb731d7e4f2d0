#pragma once
// SHA-256 as lower-case hex, for the project's hashes: the audit chain,
// API token hashes, the ingest's event ids.

#include <string>
#include <string_view>

namespace e911 {

std::string sha256_hex(std::string_view data);

}  // namespace e911
