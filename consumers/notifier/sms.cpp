#include "consumers/notifier/sms.h"

#include <algorithm>
#include <vector>

#include "common/utf8.h"

namespace e911::notifier {
namespace {

// GSM 03.38 default alphabet characters outside printable ASCII, and the
// ASCII characters it lacks or moves to the extension table.
constexpr std::u32string_view kBasicNonAscii =
    U"\u00A3\u00A5\u00E8\u00E9\u00F9\u00EC\u00F2\u00C7\u00D8\u00F8\u00C5\u00E5"  // £¥èéùìòÇØøÅå
    U"\u0394\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E"              // ΔΦΓΛΩΠΨΣΘΞ
    U"\u00C6\u00E6\u00DF\u00C9\u00A4\u00A1\u00C4\u00D6\u00D1\u00DC\u00A7"        // ÆæßÉ¤¡ÄÖÑÜ§
    U"\u00BF\u00E4\u00F6\u00F1\u00FC\u00E0";                                     // ¿äöñüà
constexpr std::u32string_view kExtension = U"\f^{}\\[~]|\u20AC";                 // FF ^{}\[~]| €

// How many characters a cut may move back to end on a whole word.
constexpr std::size_t kWordSearch = 12;

struct Sizing {
  SmsEncoding encoding;
  std::vector<std::size_t> units;  // per character, in that encoding
};

std::size_t ucs2_units(char32_t c) { return c > 0xFFFF ? 2 : 1; }

std::vector<char32_t> code_points(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto d = utf8::decode(text, i);
    out.push_back(d.code_point);
    i += d.size;
  }
  return out;
}

Sizing size_of(std::string_view text) {
  const auto cps = code_points(text);
  const bool gsm = std::all_of(cps.begin(), cps.end(), [](char32_t c) { return gsm7_septets(c) > 0; });
  Sizing s{gsm ? SmsEncoding::gsm7 : SmsEncoding::ucs2, {}};
  s.units.reserve(cps.size());
  for (char32_t c : cps) s.units.push_back(gsm ? static_cast<std::size_t>(gsm7_septets(c)) : ucs2_units(c));
  return s;
}

std::size_t segments_of(const Sizing& s) {
  std::size_t total = 0;
  for (auto u : s.units) total += u;
  if (total == 0) return 0;
  if (total <= sms_single_capacity(s.encoding)) return 1;
  // Greedy packing: a 2-unit character that would straddle the boundary
  // moves whole to the next segment.
  const std::size_t room = sms_segment_capacity(s.encoding);
  std::size_t segments = 1, used = 0;
  for (auto u : s.units) {
    if (used + u > room) {
      ++segments;
      used = 0;
    }
    used += u;
  }
  return segments;
}

// Byte offsets of every character boundary, 0 and text.size() included.
std::vector<std::size_t> boundaries(std::string_view text) {
  std::vector<std::size_t> out{0};
  for (std::size_t i = 0; i < text.size();) {
    i += utf8::decode(text, i).size;
    out.push_back(i);
  }
  return out;
}

std::string with_ellipsis(std::string_view text, std::size_t cut) {
  std::string_view head = text.substr(0, cut);
  while (!head.empty() && (head.back() == ' ' || head.back() == '\n' || head.back() == ',')) head.remove_suffix(1);
  std::string out(head);
  out += sms_ellipsis(sms_encoding(out));
  return out;
}

}  // namespace

int gsm7_septets(char32_t c) {
  if (c == '\n' || c == '\r') return 1;
  if (c >= 0x20 && c < 0x7F) {
    if (c == '`') return 0;
    return kExtension.find(c) != std::u32string_view::npos ? 2 : 1;
  }
  if (kBasicNonAscii.find(c) != std::u32string_view::npos) return 1;
  if (kExtension.find(c) != std::u32string_view::npos) return 2;
  return 0;
}

SmsEncoding sms_encoding(std::string_view text) { return size_of(text).encoding; }

std::size_t sms_units(std::string_view text) {
  const auto s = size_of(text);
  std::size_t total = 0;
  for (auto u : s.units) total += u;
  return total;
}

std::size_t sms_units_as(std::string_view text, SmsEncoding encoding) {
  std::size_t total = 0;
  for (char32_t c : code_points(text)) {
    total += encoding == SmsEncoding::ucs2 ? ucs2_units(c) : static_cast<std::size_t>(std::max(gsm7_septets(c), 1));
  }
  return total;
}

std::size_t sms_segments(std::string_view text) { return segments_of(size_of(text)); }

std::size_t sms_single_capacity(SmsEncoding e) { return e == SmsEncoding::gsm7 ? kGsm7Single : kUcs2Single; }

std::size_t sms_segment_capacity(SmsEncoding e) { return e == SmsEncoding::gsm7 ? kGsm7Segment : kUcs2Segment; }

std::size_t sms_first_segment_capacity(std::string_view text) {
  const auto s = size_of(text);
  return segments_of(s) <= 1 ? sms_single_capacity(s.encoding) : sms_segment_capacity(s.encoding);
}

std::string_view sms_ellipsis(SmsEncoding e) { return e == SmsEncoding::gsm7 ? "..." : "\u2026"; }

std::string truncate_sms(std::string_view text, std::size_t max_segments) {
  if (sms_segments(text) <= max_segments) return std::string(text);
  // The segment count only grows as the prefix grows, so binary-search the
  // longest cut (at character boundaries) that still fits with its ellipsis.
  const auto cuts = boundaries(text);
  std::size_t lo = 0, hi = cuts.size() - 1;  // cuts[lo] fits (empty + "..." always does)
  while (lo + 1 < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (sms_segments(with_ellipsis(text, cuts[mid])) <= max_segments) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  // Prefer ending on a whole word when one ends close to the cut.
  for (std::size_t back = 0; back < kWordSearch && back < lo; ++back) {
    const char before = text[cuts[lo - back] - 1];
    if (before == ' ' || before == '\n' || before == ',') return with_ellipsis(text, cuts[lo - back]);
  }
  return with_ellipsis(text, cuts[lo]);
}

}  // namespace e911::notifier
