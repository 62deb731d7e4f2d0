#include "producers/locations/personal_link.h"

#include <charconv>

#include "common/encoding.h"
#include "common/sha256.h"

namespace e911::locations {
namespace {

constexpr std::string_view kVersion = "v1.";

std::string signed_part(std::string_view user_id, std::int64_t expires_at_s) {
  return std::string(kVersion) + base64url_encode(user_id) + "." + std::to_string(expires_at_s);
}

}  // namespace

std::string sign_personal_link(std::string_view secret, std::string_view user_id, std::int64_t expires_at_s) {
  std::string token = signed_part(user_id, expires_at_s);
  const std::string mac = base64url_encode(hmac_sha256(secret, token));
  return token + "." + mac;
}

bool looks_like_personal_link(std::string_view token) { return token.starts_with(kVersion); }

std::string personal_link_url(std::string_view public_url, std::string_view token) {
  while (public_url.ends_with('/')) public_url.remove_suffix(1);
  return std::string(public_url) + "/#link=" + std::string(token);
}

Result<std::string> verify_personal_link(std::string_view secret, std::string_view token, std::int64_t now_s) {
  const Error malformed{"the personal link is not one this service made"};
  if (!token.starts_with(kVersion)) return malformed;
  const auto mac_dot = token.rfind('.');
  const auto user_dot = token.find('.', kVersion.size());
  if (mac_dot == std::string_view::npos || user_dot == std::string_view::npos || user_dot >= mac_dot) return malformed;
  const std::string_view body = token.substr(0, mac_dot);
  const auto mac = base64url_decode(token.substr(mac_dot + 1));
  if (!mac || !constant_time_equal(*mac, hmac_sha256(secret, body))) {
    return Error{"the personal link's signature does not match: it was altered, or made under another secret"};
  }
  const auto user = base64url_decode(token.substr(kVersion.size(), user_dot - kVersion.size()));
  const std::string_view expiry = token.substr(user_dot + 1, mac_dot - user_dot - 1);
  std::int64_t expires_at = 0;
  const auto [end, ec] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), expires_at);
  if (!user || user->empty() || ec != std::errc() || end != expiry.data() + expiry.size()) return malformed;
  if (now_s >= expires_at) return Error{"the personal link has expired: ask for a new one, or sign in"};
  return *user;
}

}  // namespace e911::locations
