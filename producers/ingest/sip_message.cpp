#include "producers/ingest/sip_message.h"

#include <array>
#include <charconv>
#include <utility>

#include "common/text.h"
#include "producers/ingest/byte_class.h"

namespace e911::ingest {
namespace {

// RFC 3261 section 7.3.3 and the IANA SIP header registry's compact forms.
constexpr std::array<std::pair<char, std::string_view>, 19> kCompactForms{{
    {'a', "Accept-Contact"},
    {'b', "Referred-By"},
    {'c', "Content-Type"},
    {'d', "Request-Disposition"},
    {'e', "Content-Encoding"},
    {'f', "From"},
    {'i', "Call-ID"},
    {'j', "Reject-Contact"},
    {'k', "Supported"},
    {'l', "Content-Length"},
    {'m', "Contact"},
    {'n', "Identity-Info"},
    {'o', "Event"},
    {'r', "Refer-To"},
    {'s', "Subject"},
    {'t', "To"},
    {'u', "Allow-Events"},
    {'v', "Via"},
    {'x', "Session-Expires"},
}};

// RFC 3261 token characters, as a table: every header name is checked.
constexpr ByteClass kTokenChars = ascii_alnum_and("-.!%*_+`'~");

bool is_token_char(char c) { return kTokenChars[static_cast<unsigned char>(c)]; }

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token_char(c)) return false;
  return true;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// One line of `text` from `pos`: without its CR LF / LF; `next` is where
// the following line starts. False when no line end follows.
bool next_line(std::string_view text, std::size_t pos, std::string_view& line, std::size_t& next) {
  const auto nl = text.find('\n', pos);
  if (nl == std::string_view::npos) return false;
  std::size_t end = nl;
  if (end > pos && text[end - 1] == '\r') --end;
  line = text.substr(pos, end - pos);
  next = nl + 1;
  return true;
}

bool starts_with_sip_version(std::string_view s) {
  return s.size() >= 7 && equals_ignore_case(s.substr(0, 7), "SIP/2.0");
}

std::optional<Error> parse_start_line(std::string_view line, std::string_view& method, std::string_view& uri,
                                      int& status, std::string_view& reason) {
  const auto bad = [&](std::string_view why) {
    return Error{"not a SIP message: " + std::string(why) + " in start line " + quote_for_message(line, 60)};
  };
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return bad("no space");
  if (starts_with_sip_version(line) && sp1 == 7) {
    const auto rest = line.substr(sp1 + 1);
    if (rest.size() < 3) return bad("no status code");
    int code = 0;
    const auto [p, ec] = std::from_chars(rest.data(), rest.data() + 3, code);
    if (ec != std::errc{} || p != rest.data() + 3 || code < 100 || code > 699 || (rest.size() > 3 && rest[3] != ' '))
      return bad("status code not 100..699");
    status = code;
    reason = rest.size() > 4 ? trim(rest.substr(4)) : std::string_view{};
    return std::nullopt;
  }
  method = line.substr(0, sp1);
  if (!is_token(method)) return bad("method is not a token");
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return bad("no SIP version");
  uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (uri.empty() || uri.find(':') == std::string_view::npos) return bad("Request-URI without a scheme");
  const auto version = line.substr(sp2 + 1);
  if (version.size() != 7 || !starts_with_sip_version(version)) return bad("version is not SIP/2.0");
  return std::nullopt;
}

}  // namespace

std::string_view full_header_name(std::string_view name) {
  if (name.size() != 1) return name;
  for (const auto& [c, full] : kCompactForms)
    if (lower_ascii(name[0]) == c) return full;
  return name;
}

std::vector<std::string_view> split_header_list(std::string_view value) {
  std::vector<std::string_view> out;
  find_in_header_list(value, [&](std::string_view part) {
    out.push_back(part);
    return false;
  });
  return out;
}

std::optional<std::string_view> SipMessage::header(std::string_view name) const {
  const auto key = sip_header_key(name);
  for (const auto& h : headers_)
    if (h.key == key && equals_ignore_case(h.name, name)) return h.value;
  return std::nullopt;
}

std::vector<std::string_view> SipMessage::values(std::string_view name) const {
  std::vector<std::string_view> out;
  find_value(name, [&](std::string_view value) {
    out.push_back(value);
    return false;
  });
  return out;
}

Result<SipMessage> parse_sip_message(std::string_view text, const SipLimits& limits) {
  if (text.size() > limits.max_bytes)
    return Error{"message of " + std::to_string(text.size()) + " bytes is larger than the limit of " +
                 std::to_string(limits.max_bytes)};
  std::size_t pos = 0;
  // CRLF keep-alives (RFC 5626 section 3.5.1) may precede a message.
  while (pos < text.size() && (text[pos] == '\r' || text[pos] == '\n')) ++pos;
  if (pos == text.size()) return Error{"empty message (only line ends: a keep-alive)"};

  SipMessage m;
  m.headers_.reserve(24);
  std::string_view line;
  std::size_t next = 0;
  if (!next_line(text, pos, line, next)) return Error{"not a SIP message: no line end after the start line"};
  if (auto err = parse_start_line(line, m.method_, m.request_uri_, m.status_, m.reason_)) return *err;
  pos = next;

  // The first NUL from here on, found once rather than line by line: a
  // header line holding one is refused (a NUL in the body is not).
  const auto first_nul = text.find('\0', pos);
  std::string* folding = nullptr;  // the copy of the header being unfolded
  bool ended = false;
  std::size_t line_number = 1;
  while (next_line(text, pos, line, next)) {
    pos = next;
    ++line_number;
    if (line.empty()) {
      ended = true;
      break;
    }
    const auto line_start = static_cast<std::size_t>(line.data() - text.data());
    if (first_nul >= line_start && first_nul < line_start + line.size())
      return Error{"NUL byte in header line " + std::to_string(line_number)};
    if (is_space(line.front())) {
      if (m.headers_.empty()) return Error{"line 2 is indented, but there is no header it continues"};
      auto& last = m.headers_.back();
      if (!folding) folding = &m.unfolded_.emplace_back(last.value);
      const auto more = trim(line);
      if (folding->size() + 1 + more.size() > limits.max_header_bytes)
        return Error{"header " + std::string(last.name) + " is longer than " + std::to_string(limits.max_header_bytes) +
                     " bytes"};
      if (!more.empty()) {
        if (!folding->empty()) folding->push_back(' ');
        folding->append(more);
      }
      last.value = *folding;
      continue;
    }
    folding = nullptr;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return Error{"header line " + std::to_string(line_number) + " has no colon: " + quote_for_message(line, 40)};
    const auto name = trim(line.substr(0, colon));
    if (!is_token(name))
      return Error{"header line " + std::to_string(line_number) + " has no valid name: " + quote_for_message(line, 40)};
    const auto value = trim(line.substr(colon + 1));
    if (value.size() > limits.max_header_bytes)
      return Error{"header " + std::string(name) + " is longer than " + std::to_string(limits.max_header_bytes) +
                   " bytes"};
    if (m.headers_.size() == limits.max_headers)
      return Error{"more than " + std::to_string(limits.max_headers) + " headers"};
    const auto full = full_header_name(name);
    m.headers_.push_back({full, value, sip_header_key(full)});
  }
  if (!ended) return Error{"the headers do not end with an empty line (a truncated message?)"};

  const auto rest = text.substr(pos);
  m.body_ = rest;
  if (const auto cl = m.header("Content-Length")) {
    std::size_t length = 0;
    const auto [p, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), length);
    if (ec != std::errc{} || p != cl->data() + cl->size() || cl->size() > 9)
      return Error{"Content-Length: not a number: " + quote_for_message(*cl, 20)};
    if (length > rest.size())
      return Error{"body shorter than Content-Length (" + std::to_string(rest.size()) + " of " +
                   std::to_string(length) + " bytes: a truncated message?)"};
    m.body_ = rest.substr(0, length);
    m.trailing_ = rest.size() - length;
  }
  return m;
}

}  // namespace e911::ingest
