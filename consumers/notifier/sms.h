#pragma once
// SMS sizing (3GPP TS 23.038 / 23.040): a message travels in GSM-7 when
// every character is in the GSM 03.38 default alphabet, else in UCS-2
// (UTF-16 in practice). Concatenated messages lose room to the user-data
// header, so a segment holds less than a single message does:
//
//            single   per segment when concatenated
//   GSM-7    160      153 septets (extension-table characters take 2)
//   UCS-2     70       67 UTF-16 units (a character past U+FFFF takes 2)
//
// Carriers bill and drop by segment, and some handsets show segments
// separately, so the alert keeps its essentials in the first one.

#include <cstddef>
#include <string>
#include <string_view>

namespace e911::notifier {

enum class SmsEncoding { gsm7, ucs2 };

inline constexpr std::size_t kGsm7Single = 160;
inline constexpr std::size_t kGsm7Segment = 153;
inline constexpr std::size_t kUcs2Single = 70;
inline constexpr std::size_t kUcs2Segment = 67;
inline constexpr std::size_t kMaxSmsSegments = 3;

// Septets a character takes in GSM-7: 1 (default alphabet), 2 (extension
// table: escape + character, e.g. '€', '[', '{', '~'), 0 (not representable).
int gsm7_septets(char32_t c);

// UTF-8 text in; invalid bytes count as U+FFFD (which forces UCS-2).
SmsEncoding sms_encoding(std::string_view text);
// Septets (GSM-7) or UTF-16 units (UCS-2), in the text's own encoding.
std::size_t sms_units(std::string_view text);
// Units `text` takes when sent in `encoding` (part of a longer message).
// In GSM-7, a character outside the alphabet counts 1 (it cannot be sent).
std::size_t sms_units_as(std::string_view text, SmsEncoding encoding);
// Segments the text is sent in; 0 for empty text. Packing never splits an
// escape sequence or a surrogate pair across segments, as senders do not.
std::size_t sms_segments(std::string_view text);

std::size_t sms_single_capacity(SmsEncoding e);
std::size_t sms_segment_capacity(SmsEncoding e);
// Room for `text`'s first segment as it would be sent: the single-message
// capacity if it fits in one, else a concatenated segment's.
std::size_t sms_first_segment_capacity(std::string_view text);

// The ellipsis for a cut: "..." in GSM-7 ('…' is not in the GSM alphabet
// and would turn the whole message into UCS-2), '…' in UCS-2.
std::string_view sms_ellipsis(SmsEncoding e);

// `text` if it fits `max_segments`; else its longest prefix (cut at a
// character boundary, at the end of a word when one ends within a few
// characters, trailing spaces and commas dropped) plus an ellipsis that does.
std::string truncate_sms(std::string_view text, std::size_t max_segments = kMaxSmsSegments);

}  // namespace e911::notifier
