#pragma once
// Cookies as the audit console reads and sets them (RFC 6265): the value
// of one cookie in a request's Cookie headers, and a Set-Cookie value with
// the console's attributes (Path=/console, HttpOnly, SameSite=Strict, and
// Secure over TLS). Pure.

#include <optional>
#include <string>
#include <string_view>

#include "common/net/http_message.h"

namespace e911::auditor::console {

// The value of the first cookie named `name` in the request's Cookie
// header(s); nullopt when none.
std::optional<std::string> cookie_value(const net::HttpRequest& request, std::string_view name);

// "<name>=<value>; Path=/console; Max-Age=<seconds>; HttpOnly;
// SameSite=Strict[; Secure]". max_age_s 0 removes the cookie.
std::string set_cookie(std::string_view name, std::string_view value, long long max_age_s, bool secure);

}  // namespace e911::auditor::console
