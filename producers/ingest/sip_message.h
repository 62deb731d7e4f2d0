#pragma once
// One SIP message (RFC 3261 section 7): its start line, headers and body,
// parsed without copying and never past its input. The decoder is written
// here rather than taken from a SIP library: GNU oSIP and Sofia-SIP were
// measured and both parse an INVITE slower than the project decodes the
// same call event from JSON (docs/decisions/0007-sip-parser.md).
//
// What real proxies and phones send is accepted: CRLF or bare LF line ends,
// leading CRLF keep-alives, folded header lines (joined by one space),
// compact header names (f: t: i: m: l: c: v: ...), header names in any case,
// and a datagram holding bytes past Content-Length (discarded, RFC 3261
// 18.3). Refused, each with a reason: more than SipLimits allows, a start
// line that is neither a request nor a status line, a header line without
// a name, NUL bytes in the headers, headers not ended by an empty line, a
// body shorter than its Content-Length.
//
// Views point into the parsed input, which must outlive the message; only
// folded header values are copied (into the message).

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/text.h"

namespace e911::ingest {

struct SipLimits {
  std::size_t max_bytes = 64 * 1024;  // the largest UDP datagram
  std::size_t max_headers = 256;
  std::size_t max_header_bytes = 16 * 1024;  // one header's value, unfolded
};

struct SipHeader {
  std::string_view name;  // as written; a compact form is replaced by its full name ("Call-ID" for "i")
  std::string_view value;  // trimmed; folded lines joined by single spaces
  // The name's length and first and last letters, case folded: a lookup
  // compares whole names only where these agree (a decode looks up a
  // dozen names among a dozen headers).
  std::uint32_t key = 0;
};

// SipHeader::key of a header name.
constexpr std::uint32_t sip_header_key(std::string_view name) {
  if (name.empty()) return 0;
  const auto fold = [](char c) { return static_cast<std::uint32_t>(static_cast<unsigned char>(c) | 0x20); };
  return static_cast<std::uint32_t>(name.size() & 0xffff) << 16 | fold(name.front()) << 8 | fold(name.back());
}

class SipMessage {
 public:
  bool is_request() const { return status_ == 0; }
  std::string_view method() const { return method_; }            // requests only
  std::string_view request_uri() const { return request_uri_; }  // requests only
  int status() const { return status_; }                         // responses only: 100..699
  std::string_view reason() const { return reason_; }

  const std::vector<SipHeader>& headers() const { return headers_; }
  // The first header of that name (case-insensitive, compact forms
  // included), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
  // Every value of a header that may be a comma-separated list (Via,
  // Contact, P-Asserted-Identity, Geolocation...), across all its header
  // lines, in order; commas inside quotes or <> do not split.
  std::vector<std::string_view> values(std::string_view name) const;
  // The same values, each passed to `found` in turn until it returns true;
  // nothing is allocated (the decoder reads several list headers of every
  // message). True when `found` did.
  template <typename Found>
  bool find_value(std::string_view name, Found&& found) const;

  std::string_view body() const { return body_; }
  // Bytes after the body that Content-Length left out.
  std::size_t trailing_bytes() const { return trailing_; }

  friend Result<SipMessage> parse_sip_message(std::string_view text, const SipLimits& limits);

 private:
  std::string_view method_, request_uri_, reason_, body_;
  int status_ = 0;
  std::size_t trailing_ = 0;
  std::vector<SipHeader> headers_;
  // Element addresses stay put as it grows; a list, unlike a deque,
  // allocates nothing until a header is folded (most messages have none).
  std::list<std::string> unfolded_;
};

Result<SipMessage> parse_sip_message(std::string_view text, const SipLimits& limits = {});
// Refused at compile time: the result would view a std::string that dies
// at the end of the statement (a temporary).
template <typename T>
  requires std::same_as<T, std::string>
Result<SipMessage> parse_sip_message(T&& text, const SipLimits& limits = {}) = delete;

// Splits a header value at commas that are not inside a quoted string or
// <...>; parts are trimmed, empty ones dropped.
std::vector<std::string_view> split_header_list(std::string_view value);
// The same parts, each passed to `found` in turn until it returns true.
template <typename Found>
bool find_in_header_list(std::string_view value, Found&& found);

// The full name of a compact header form ("i" -> "Call-ID"), or the name
// itself when it is not one.
std::string_view full_header_name(std::string_view name);

// ASCII letters in lower case; any other byte as it is (SIP names, schemes
// and parameters are ASCII).
inline char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Inline: header and parameter lookups call it with names known at compile
// time.
inline bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // Names are nearly always written in the case they are looked up in:
  // folding only the letters that differ.
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  return true;
}

template <typename Found>
bool find_in_header_list(std::string_view value, Found&& found) {
  if (value.find(',') == std::string_view::npos) {  // most headers: one value, nothing to scan
    const auto v = trim(value);
    return !v.empty() && found(v);
  }
  bool quoted = false;
  int angle = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    const bool end = i == value.size();
    const char c = end ? ',' : value[i];
    if (quoted) {
      if (c == '\\' && i + 1 < value.size()) ++i;
      else if (c == '"') quoted = false;
      if (!end) continue;
    }
    if (c == '"') quoted = true;
    else if (c == '<') ++angle;
    else if (c == '>' && angle > 0) --angle;
    else if (c == ',' && (angle == 0 || end)) {
      const auto part = trim(value.substr(start, i - start));
      if (!part.empty() && found(part)) return true;
      start = i + 1;
    }
  }
  return false;
}

template <typename Found>
bool SipMessage::find_value(std::string_view name, Found&& found) const {
  const auto key = sip_header_key(name);
  for (const auto& h : headers_) {
    if (h.key != key || !equals_ignore_case(h.name, name)) continue;
    if (find_in_header_list(h.value, found)) return true;
  }
  return false;
}

}  // namespace e911::ingest
