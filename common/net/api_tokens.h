#pragma once
// Who may read the journal over HTTP (`e911 audit serve`, audit_api.h):
// bearer tokens, of which the server keeps only SHA-256 hashes, in a file
// named by auditor.api.tokens.file:
//
//   # NAME SHA256HEX   (one token per line; '#' starts a comment line)
//   alice-audit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//   ci-report   60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752
//
// A request's token (Authorization: Bearer <token>) is hashed and compared
// with every line in constant time, and the line's NAME says who it was
// (the name may be logged; the token never is). The file holds no secret
// that opens the API, but keep it private anyway: its names say who can.
// Make a line with `e911 audit serve --hash-token` (the token from
// standard input, never the command line).
//
// Reloading: the file is looked at (its stamp, watched_file.h: inode, size,
// modification time) on every request and re-read when it changed; replace it atomically
// (write another file, rename it over) so a half-written file is never
// read. reload() (SIGHUP) re-reads it in any case. A file that cannot be
// read or does not parse rejects every token until it is fixed (fail
// closed: a revocation must never be undone by a typo), logged once per
// change.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "common/result.h"
#include "common/watched_file.h"

namespace e911::net {

struct ApiToken {
  std::string name;    // 1-64 characters of [A-Za-z0-9._@-]
  std::string sha256;  // lower-case hex, 64 characters
};

// A tokens file's content. Errors name the file and line
// ("tokens.txt:3: expected NAME SHA256HEX"); duplicate names or hashes
// are errors.
Result<std::vector<ApiToken>> parse_api_tokens(std::string_view text, std::string_view file_name);

// The token of an Authorization header value "Bearer <token>" (scheme
// case-insensitive, RFC 6750 token68 characters, at most kMaxTokenChars);
// nullopt for anything else.
inline constexpr std::size_t kMaxTokenChars = 512;
std::optional<std::string_view> bearer_token(std::string_view authorization);

// The name of the token whose hash is SHA-256(presented), comparing with
// every entry in constant time; nullopt if none.
std::optional<std::string> match_api_token(const std::vector<ApiToken>& tokens, std::string_view presented);

// What `--hash-token` accepts: at least kMinNewTokenChars token68
// characters (e.g. `openssl rand -base64 32`, 44 characters). Returns the
// line's hash.
inline constexpr std::size_t kMinNewTokenChars = 32;
Result<std::string> hash_new_api_token(std::string_view token);

// The tokens file, reloaded as described above. Thread-safe.
class ApiTokenFile {
 public:
  // Reads it; throws std::runtime_error naming the file (and line) when it
  // cannot be read, does not parse or holds no token: the server refuses
  // to start without one. `config_key` names the file in errors and
  // `component` is the log lines' (the endpoint's own).
  explicit ApiTokenFile(std::string path, std::string config_key = "auditor.api.tokens.file",
                        std::string component = "audit-api");

  enum class Outcome { accepted, rejected, unavailable };
  struct Check {
    Outcome outcome = Outcome::rejected;
    std::string name;  // accepted: the token's name
  };
  // Re-reads the file first if it changed.
  Check check(std::string_view presented);

  // Re-reads the file now (SIGHUP).
  void reload();

  const std::string& path() const { return file_.path(); }
  std::size_t size() const;

 private:
  Logger log_;
  ReloadedFile<std::vector<ApiToken>> file_;  // after log_: its first read logs
};

}  // namespace e911::net
