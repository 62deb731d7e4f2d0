#pragma once
// The signed personal link a reminder e-mail carries, so a user can open
// their registration without signing in (docs/locations.md, "Who is
// asking"):
//
//   <public_url>/#link=v1.<user id, base64url>.<expiry, Unix seconds>.<HMAC, base64url>
//
// The HMAC-SHA256 is over everything before its dot, under the
// deployment's link secret; it opens one user's registration until it
// expires. The token rides in the URL fragment, which browsers never send,
// so it stays out of access logs; the page sends it as a bearer token.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace e911::locations {

// Secrets shorter than this are refused at start-up (a guessable secret
// forges links for everyone).
inline constexpr std::size_t kMinLinkSecretBytes = 32;

std::string sign_personal_link(std::string_view secret, std::string_view user_id, std::int64_t expires_at_s);

// The user id a token opens, if it is well formed, signed under `secret`
// and not expired at `now_s`; otherwise an error saying which of the three
// (never echoing the token).
Result<std::string> verify_personal_link(std::string_view secret, std::string_view token, std::int64_t now_s);

// Whether a bearer token is a personal link rather than another kind.
bool looks_like_personal_link(std::string_view token);

// "<public_url>/#link=<token>" (one slash whether or not the URL ends in
// one): what a reminder e-mail and `e911 locations link` give the user.
std::string personal_link_url(std::string_view public_url, std::string_view token);

}  // namespace e911::locations
