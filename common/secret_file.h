#pragma once
// Secrets kept in files (Kubernetes secrets, Vault agent files): the
// configuration's "<key>.file" values, tokens a client sends. Reads block
// the caller; safe from any thread.

#include <string>

#include "common/result.h"

namespace e911 {

// The content of the file at `path` without its trailing newlines (CR or
// LF), or an error "cannot read \"<path>\": <why>" (missing, unreadable,
// larger than 1 MiB). The error names the file, never its content.
Result<std::string> read_secret_file(const std::string& path);

}  // namespace e911
