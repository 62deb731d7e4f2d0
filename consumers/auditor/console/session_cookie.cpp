#include "consumers/auditor/console/session_cookie.h"

#include <charconv>

#include "common/encoding.h"
#include "common/sha256.h"
#include "common/text.h"

namespace e911::auditor::console {

namespace {

constexpr std::string_view kVersion = "v1";
constexpr std::string_view kLabel = "e911-console-session\n";

std::string mac_of(std::string_view key, std::string_view encoded_payload) {
  return hmac_sha256(key, std::string(kLabel) + std::string(kVersion) + "." + std::string(encoded_payload));
}

// The n-th line of `text` (no line break), advancing `pos`; false past the end.
bool next_line(std::string_view text, std::size_t& pos, std::string_view& line) {
  if (pos > text.size()) return false;
  auto end = text.find('\n', pos);
  if (end == std::string_view::npos) end = text.size();
  line = text.substr(pos, end - pos);
  pos = end + 1;
  return true;
}

}  // namespace

std::string encode_session(const ConsoleSession& session, std::string_view key) {
  std::string payload = session.identity + "\n" + std::string(role_name(session.role)) + "\n" + join(session.sites, ",") +
                        "\n" + std::to_string(session.expires_at);
  const std::string encoded = base64url_encode(payload);
  return std::string(kVersion) + "." + encoded + "." + base64url_encode(mac_of(key, encoded));
}

SessionCheck decode_session(std::string_view cookie, std::string_view key, EpochMillis now) {
  SessionCheck check;
  if (cookie.size() > kMaxCookieChars || !cookie.starts_with(std::string(kVersion) + ".")) return check;
  const std::string_view rest = cookie.substr(kVersion.size() + 1);
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) return check;
  const std::string_view encoded = rest.substr(0, dot);
  const auto mac = base64url_decode(rest.substr(dot + 1));
  // Not even the shape of one: malformed, not forged.
  if (encoded.empty() || !mac || mac->size() != 32) return check;
  if (!constant_time_equal(*mac, mac_of(key, encoded))) {
    check.outcome = SessionCheck::Outcome::forged;
    return check;
  }
  // Signed by this key: the payload is ours, but read it carefully anyway.
  const auto payload = base64url_decode(encoded);
  if (!payload) return check;
  std::size_t pos = 0;
  std::string_view identity, role, sites, expires;
  if (!next_line(*payload, pos, identity) || !next_line(*payload, pos, role) || !next_line(*payload, pos, sites) ||
      !next_line(*payload, pos, expires) || pos <= payload->size()) {
    return check;
  }
  ConsoleSession s;
  if (!is_valid_identity(identity)) return check;
  s.identity = std::string(identity);
  if (role == "auditor") {
    s.role = Role::auditor;
  } else if (role == "site-lead") {
    s.role = Role::site_lead;
  } else {
    return check;
  }
  std::size_t i = 0;
  while (!sites.empty() && i <= sites.size()) {
    auto comma = sites.find(',', i);
    if (comma == std::string_view::npos) comma = sites.size();
    const auto site = sites.substr(i, comma - i);
    if (!is_valid_site_id(site)) return check;
    s.sites.emplace_back(site);
    i = comma + 1;
  }
  const auto [ptr, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), s.expires_at);
  if (ec != std::errc{} || ptr != expires.data() + expires.size()) return check;
  if (now >= s.expires_at) {
    check.outcome = SessionCheck::Outcome::expired;
    return check;
  }
  check.outcome = SessionCheck::Outcome::valid;
  check.session = std::move(s);
  return check;
}

std::string_view outcome_name(SessionCheck::Outcome outcome) {
  switch (outcome) {
    case SessionCheck::Outcome::valid: return "valid";
    case SessionCheck::Outcome::malformed: return "malformed";
    case SessionCheck::Outcome::forged: return "forged";
    case SessionCheck::Outcome::expired: return "expired";
  }
  return "malformed";
}

}  // namespace e911::auditor::console
