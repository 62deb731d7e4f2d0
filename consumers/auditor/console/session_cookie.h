#pragma once
// The audit console's session cookie: who signed in, as what, for which
// sites, until when; made and checked with HMAC-SHA256 under the server's
// cookie key (auditor.console.cookie_key.file, or a key generated when the
// server starts: then sessions end with the process). The cookie is the
// whole session: the server keeps no session table, so a restart with the
// same key keeps everyone signed in and nothing grows with sign-ins.
//
//   v1.<base64url(identity LF role LF sites LF expires_ms)>.<base64url(HMAC)>
//
// The MAC covers the version and the payload, under a label of its own
// ("e911-console-session"), so no other HMAC the key makes (CSRF tokens,
// csrf_token.h) can pass as a session. Checked in constant time.
//
// Pure: the time is given. A refusal says which kind, for the refusal
// metric and the log (never the cookie itself).

#include <string>
#include <string_view>
#include <vector>

#include "common/timestamp.h"
#include "consumers/auditor/console/console_people.h"

namespace e911::auditor::console {

inline constexpr std::size_t kMinCookieKeyBytes = 32;
inline constexpr std::size_t kMaxCookieChars = 3072;  // a site lead of many sites still fits a 4 KiB cookie

struct ConsoleSession {
  std::string identity;
  Role role = Role::auditor;
  std::vector<std::string> sites;  // site_lead's
  EpochMillis expires_at = 0;
};

// The cookie's value. The identity and sites must be valid
// (console_people.h); the key at least kMinCookieKeyBytes.
std::string encode_session(const ConsoleSession& session, std::string_view key);

struct SessionCheck {
  enum class Outcome { valid, malformed, forged, expired };
  Outcome outcome = Outcome::malformed;
  ConsoleSession session;  // valid only
};

// Checks a cookie value: its form, its MAC, then that `now` is before its
// expiry.
SessionCheck decode_session(std::string_view cookie, std::string_view key, EpochMillis now);

// "malformed", "forged", "expired" (metric labels); "valid".
std::string_view outcome_name(SessionCheck::Outcome outcome);

}  // namespace e911::auditor::console
