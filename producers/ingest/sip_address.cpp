#include "producers/ingest/sip_address.h"

#include <algorithm>

#include "common/text.h"
#include "producers/ingest/sip_message.h"

namespace e911::ingest {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3966 visual separators, which carry no meaning in a number.
bool is_visual_separator(char c) { return c == '-' || c == '.' || c == '(' || c == ')' || c == ' '; }

void without_visual_separators(std::string_view s, std::string& out) {
  if (std::none_of(s.begin(), s.end(), is_visual_separator)) {  // most numbers
    out.assign(s);
    return;
  }
  out.clear();
  for (char c : s)
    if (!is_visual_separator(c)) out.push_back(c);
}

// The end of a quoted string starting at `open` (the index of its '"'),
// i.e. the index of the closing quote, or npos.
std::size_t closing_quote(std::string_view s, std::size_t open) {
  for (std::size_t i = open + 1; i < s.size(); ++i) {
    if (s[i] == '\\') ++i;
    else if (s[i] == '"') return i;
  }
  return std::string_view::npos;
}

void unquote(std::string_view quoted, std::string& out) {
  if (quoted.find('\\') == std::string_view::npos) {  // the usual display name
    out.assign(quoted);
    return;
  }
  out.clear();
  for (std::size_t i = 0; i < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 1 < quoted.size()) ++i;
    out.push_back(quoted[i]);
  }
}

// percent_decode into `out`; false on a malformed escape or a NUL.
bool percent_decode(std::string_view text, std::string& out) {
  if (text.find('%') == std::string_view::npos) {  // most user parts
    out.assign(text);
    return true;
  }
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

// The std::optional form of an in-place parser (which lets a caller reuse
// its buffers): nullopt where `Parse` fails.
template <typename T, bool (*Parse)(std::string_view, T&)>
std::optional<T> parse_to_optional(std::string_view text) {
  T out;
  if (!Parse(text, out)) return std::nullopt;
  return out;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  return parse_to_optional<std::string, percent_decode>(text);
}

bool is_phone_number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<NameAddr> parse_name_addr(std::string_view value) {
  return parse_to_optional<NameAddr, parse_name_addr>(value);
}

bool parse_name_addr(std::string_view value, NameAddr& out) {
  value = trim(value);
  if (value.empty()) return false;
  out.display_name.clear();
  out.params = {};
  std::size_t pos = 0;
  if (value.front() == '"') {
    const auto close = closing_quote(value, 0);
    if (close == std::string_view::npos) return false;
    unquote(value.substr(1, close - 1), out.display_name);
    pos = close + 1;
  }
  const auto open = value.find('<', pos);
  if (open != std::string_view::npos) {
    if (out.display_name.empty()) out.display_name.assign(trim(value.substr(pos, open - pos)));
    const auto close = value.find('>', open);
    if (close == std::string_view::npos) return false;
    out.uri = trim(value.substr(open + 1, close - open - 1));
    const auto semi = value.find(';', close);
    if (semi != std::string_view::npos) out.params = value.substr(semi);
  } else {
    if (pos != 0) return false;  // a display name needs <...>
    // addr-spec: header parameters start at the first ';' (RFC 3261 20.10).
    const auto semi = value.find(';');
    out.uri = trim(value.substr(0, semi));
    if (semi != std::string_view::npos) out.params = value.substr(semi);
  }
  return !out.uri.empty();
}

std::optional<Uri> parse_uri(std::string_view text) {
  return parse_to_optional<Uri, parse_uri>(text);
}

bool parse_uri(std::string_view text, Uri& out) {
  text = trim(text);
  const auto colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  out.user.clear();
  out.host = out.params = out.user_params = {};
  const auto scheme = text.substr(0, colon);
  out.scheme.resize(scheme.size());
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const char c = lower_ascii(scheme[i]);
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) return false;
    out.scheme[i] = c;
  }
  auto rest = text.substr(colon + 1);
  if (out.scheme == "tel") {
    const auto semi = rest.find(';');
    without_visual_separators(rest.substr(0, semi), out.user);
    if (semi != std::string_view::npos) out.params = rest.substr(semi);
    return true;
  }
  if (out.scheme == "urn") {
    const auto nss = rest.substr(0, rest.find_first_of(";?"));
    out.user.resize(nss.size());
    std::transform(nss.begin(), nss.end(), out.user.begin(), lower_ascii);
    return true;
  }
  if (out.scheme != "sip" && out.scheme != "sips") {
    out.host = rest;
    return true;
  }
  rest = rest.substr(0, rest.find('?'));  // headers of the URI are not needed
  const auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    auto userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto semi = userinfo.find(';');
    if (semi != std::string_view::npos) {
      out.user_params = userinfo.substr(semi);
      userinfo = userinfo.substr(0, semi);
    }
    userinfo = userinfo.substr(0, userinfo.find(':'));  // a password, never wanted
    if (!percent_decode(userinfo, out.user)) return false;
  }
  const auto semi = rest.find(';');
  auto hostport = rest.substr(0, semi);
  if (semi != std::string_view::npos) out.params = rest.substr(semi);
  if (!hostport.empty() && hostport.front() == '[') {
    const auto close = hostport.find(']');
    out.host = close == std::string_view::npos ? hostport : hostport.substr(0, close + 1);
  } else {
    out.host = hostport.substr(0, hostport.find(':'));
  }
  // A telephone-number user (user=phone) may carry visual separators too
  // (most users have none: then the parameter need not be looked up).
  if (std::any_of(out.user.begin(), out.user.end(), is_visual_separator)) {
    if (const auto user = find_param(out.params, "user"); user && equals_ignore_case(*user, "phone")) {
      std::string number;
      without_visual_separators(out.user, number);
      out.user = std::move(number);
    }
  }
  return true;
}

std::optional<std::string_view> find_param(std::string_view params, std::string_view name) {
  std::size_t pos = 0;
  while (pos < params.size()) {
    const auto semi = params.find(';', pos);
    if (semi == std::string_view::npos) break;
    // The item ends at the next ';', unless a quoted value (which may hold
    // one) starts before it: then it is scanned character by character.
    std::size_t end = std::min(params.find(';', semi + 1), params.size());
    if (const auto quote = params.substr(semi + 1, end - semi - 1).find('"'); quote != std::string_view::npos) {
      end = semi + 1 + quote;
      while (end < params.size() && params[end] != ';') {
        if (params[end] == '"') {
          const auto close = closing_quote(params, end);
          if (close == std::string_view::npos) return std::nullopt;
          end = close;
        }
        ++end;
      }
    }
    const auto item = trim(params.substr(semi + 1, end - semi - 1));
    const auto eq = item.find('=');
    const auto key = trim(item.substr(0, eq));
    if (equals_ignore_case(key, name)) {
      if (eq == std::string_view::npos) return std::string_view{};
      const auto v = trim(item.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
      return v;
    }
    pos = end;
  }
  return std::nullopt;
}

}  // namespace e911::ingest
