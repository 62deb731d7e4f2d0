#include "consumers/auditor/query/page_cursor.h"

#include <charconv>

#include "common/encoding.h"
#include "common/text.h"

namespace e911::auditor {
namespace {

const Error kNotOurs{"cursor: not a cursor this service issued"};

// A whole number in its one decimal spelling.
template <typename T>
std::optional<T> canonical_number(std::string_view text) {
  T n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (std::to_string(n) != text) return std::nullopt;  // no "+1", "007", "-0"
  return n;
}

}  // namespace

std::string encode_call_cursor(const CallPosition& p) {
  return base64url_encode(p.occurred_at ? "t:" + std::to_string(*p.occurred_at) + ":" + p.call_id
                                        : "n:" + p.call_id);
}

Result<CallPosition> decode_call_cursor(std::string_view cursor) {
  if (cursor.size() > kMaxCursorChars) return kNotOurs;
  const auto decoded = base64url_decode(cursor);
  if (!decoded || decoded->size() < 3 || (*decoded)[1] != ':') return kNotOurs;
  const std::string_view s = *decoded;
  CallPosition p;
  std::string_view id;
  if (s[0] == 'n') {
    id = s.substr(2);
  } else if (s[0] == 't') {
    const auto colon = s.find(':', 2);
    if (colon == std::string_view::npos) return kNotOurs;
    p.occurred_at = canonical_number<EpochMillis>(s.substr(2, colon - 2));
    if (!p.occurred_at) return kNotOurs;
    id = s.substr(colon + 1);
  } else {
    return kNotOurs;
  }
  if (id.empty() || !is_clean_utf8(id)) return kNotOurs;
  p.call_id = std::string(id);
  return p;
}

std::string encode_registration_cursor(const RegistrationPosition& p) {
  return base64url_encode("r:" + std::to_string(p.seq) + ":" + p.user_id);
}

Result<RegistrationPosition> decode_registration_cursor(std::string_view cursor) {
  if (cursor.size() > kMaxCursorChars) return kNotOurs;
  const auto decoded = base64url_decode(cursor);
  if (!decoded || decoded->size() < 5 || !decoded->starts_with("r:")) return kNotOurs;
  const std::string_view s = *decoded;
  const auto colon = s.find(':', 2);
  if (colon == std::string_view::npos) return kNotOurs;
  const auto seq = canonical_number<std::int64_t>(s.substr(2, colon - 2));
  if (!seq || *seq < 1) return kNotOurs;
  RegistrationPosition p{*seq, std::string(s.substr(colon + 1))};
  if (p.user_id.empty() || !is_clean_utf8(p.user_id)) return kNotOurs;
  return p;
}

}  // namespace e911::auditor
