#include "consumers/auditor/console/request_cookies.h"

#include "common/text.h"

namespace e911::auditor::console {

std::optional<std::string> cookie_value(const net::HttpRequest& request, std::string_view name) {
  for (const auto& h : request.headers) {
    if (to_lower_ascii(h.name) != "cookie") continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (trim(pair.substr(0, eq)) == name) {
        std::string_view value = trim(pair.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        return std::string(value);
      }
    }
  }
  return std::nullopt;
}

std::string set_cookie(std::string_view name, std::string_view value, long long max_age_s, bool secure) {
  std::string out = std::string(name) + "=" + std::string(value) + "; Path=/console; Max-Age=" +
                    std::to_string(max_age_s) + "; HttpOnly; SameSite=Strict";
  if (secure) out += "; Secure";
  return out;
}

}  // namespace e911::auditor::console
