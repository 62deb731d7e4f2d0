#pragma once
// CSRF tokens of the audit console's forms (sign-in, sign-out): an HMAC
// under the cookie key of what the form is bound to, a hidden field the
// POST must send back. Bound to the session cookie (sign-out), to a
// random value in a short pre-sign-in cookie (sign-in: no session yet), or
// to an SSO identity; a token from another session or another key does
// not match. SameSite=Strict cookies already keep other sites' forms from
// carrying the cookie; the token is the second lock.
//
// Pure.

#include <string>
#include <string_view>

namespace e911::auditor::console {

// base64url(HMAC-SHA256(key, "e911-console-csrf" LF binding)).
std::string csrf_token(std::string_view key, std::string_view binding);

// Whether `presented` is csrf_token(key, binding), compared in constant
// time; false for an empty binding.
bool csrf_token_matches(std::string_view key, std::string_view binding, std::string_view presented);

}  // namespace e911::auditor::console
