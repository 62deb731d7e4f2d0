#include "common/net/api_tokens.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <stdexcept>
#include <utility>

#include "common/log.h"
#include "common/text.h"
#include "common/sha256.h"

namespace e911::net {
namespace {

constexpr std::size_t kMaxNameChars = 64;
constexpr std::size_t kHashChars = 64;
constexpr std::size_t kMaxFileBytes = 1 << 20;


bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '@' || c == '-';
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// RFC 6750 b64token / RFC 7235 token68: ALPHA DIGIT - . _ ~ + / then '='s.
bool is_token68(std::string_view t) {
  std::size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) break;
    ++i;
  }
  if (i == 0) return false;
  while (i < t.size() && t[i] == '=') ++i;
  return i == t.size();
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

Result<std::vector<ApiToken>> parse_api_tokens(std::string_view text, std::string_view file_name) {
  std::vector<ApiToken> tokens;
  std::set<std::string, std::less<>> names, hashes;
  std::size_t line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    const std::string where = std::string(file_name) + ":" + std::to_string(line_no) + ": ";
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    std::size_t i = 0;
    while (i < line.size() && !is_blank(line[i])) ++i;
    const std::string_view name = line.substr(0, i);
    while (i < line.size() && is_blank(line[i])) ++i;
    const std::string_view hash = line.substr(i);
    if (hash.empty() || hash.find_first_of(" \t") != std::string_view::npos) {
      return Error{where + "expected NAME SHA256HEX (make the hash with `e911 audit serve --hash-token`)"};
    }
    if (name.size() > kMaxNameChars || !std::all_of(name.begin(), name.end(), is_name_char)) {
      return Error{where + "token name " + quote_for_message(name) + " must be 1 to 64 characters of A-Z a-z 0-9 . _ @ -"};
    }
    if (hash.size() != kHashChars || !std::all_of(hash.begin(), hash.end(), is_hex)) {
      // Most likely a token pasted in place of its hash: never echo it.
      return Error{where + "expected the token's SHA-256 as 64 hex digits after the name (not the token itself; "
                           "`e911 audit serve --hash-token` makes it)"};
    }
    const std::string sha = to_lower_ascii(hash);
    if (names.count(name)) return Error{where + "token name " + std::string(name) + " is used twice"};
    if (hashes.count(sha)) return Error{where + "the same token hash is listed twice"};
    names.emplace(name);
    hashes.insert(sha);
    tokens.push_back({std::string(name), sha});
  }
  return tokens;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() || to_lower_ascii(authorization.substr(0, kScheme.size())) != kScheme ||
      !is_blank(authorization[kScheme.size()])) {
    return std::nullopt;
  }
  const std::string_view token = trim(authorization.substr(kScheme.size()));
  if (token.empty() || token.size() > kMaxTokenChars || !is_token68(token)) return std::nullopt;
  return token;
}

std::optional<std::string> match_api_token(const std::vector<ApiToken>& tokens, std::string_view presented) {
  const std::string sha = sha256_hex(presented);
  const ApiToken* found = nullptr;
  // Every entry is compared, each in constant time: how long this takes
  // says nothing about which hash, or how much of one, matched.
  for (const auto& t : tokens) {
    const bool same = t.sha256.size() == sha.size() && CRYPTO_memcmp(t.sha256.data(), sha.data(), sha.size()) == 0;
    if (same) found = &t;
  }
  if (!found) return std::nullopt;
  return found->name;
}

Result<std::string> hash_new_api_token(std::string_view token) {
  if (token.size() < kMinNewTokenChars) {
    return Error{"the token is " + std::to_string(token.size()) + " characters; at least " +
                 std::to_string(kMinNewTokenChars) + " are needed (e.g. `openssl rand -base64 32`)"};
  }
  if (token.size() > kMaxTokenChars || !is_token68(token)) {
    return Error{"the token must be at most " + std::to_string(kMaxTokenChars) +
                 " characters of A-Z a-z 0-9 - . _ ~ + / (then any '=' padding), as HTTP bearer tokens are"};
  }
  return sha256_hex(token);
}

// ------------------------------------------------------------ the file ----

ApiTokenFile::ApiTokenFile(std::string path, std::string config_key, std::string component)
    : log_(std::move(component)),
      file_(std::move(path), kMaxFileBytes, parse_api_tokens,
            [this](const std::vector<ApiToken>* tokens, const std::string& error) {
              if (!tokens) {
                log_.error("the API tokens file is not usable: every request is refused until it is fixed",
                           {{"file", file_.path()}, {"error", error}});
                return;
              }
              log_.info("API tokens loaded", {{"file", file_.path()}, {"names", tokens->size()}});
            }) {
  const auto tokens = file_.last();
  if (!tokens) throw std::runtime_error(config_key + " " + file_.path() + ": not usable (see the log line above)");
  if (tokens->empty()) {
    throw std::runtime_error(config_key + " " + file_.path() +
                             ": holds no token (add a line NAME SHA256HEX; `e911 audit serve --hash-token`)");
  }
}

ApiTokenFile::Check ApiTokenFile::check(std::string_view presented) {
  const auto tokens = file_.current();
  if (!tokens) return {Outcome::unavailable, {}};
  auto name = match_api_token(*tokens, presented);
  if (!name) return {Outcome::rejected, {}};
  return {Outcome::accepted, std::move(*name)};
}

void ApiTokenFile::reload() { file_.reload(); }

std::size_t ApiTokenFile::size() const {
  const auto tokens = file_.last();
  return tokens ? tokens->size() : 0;
}

}  // namespace e911::net
