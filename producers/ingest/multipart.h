#pragma once
// MIME bodies of SIP messages: the media type of a Content-Type value, and
// the parts of a multipart body (RFC 2046 section 5.1), which is how an
// INVITE carries SDP and a PIDF-LO together (RFC 6442 section 4.1). Parts
// are views into the body; nothing is read past it.

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace e911::ingest {

struct MediaType {
  std::string type;         // "multipart/mixed", lower case
  std::string_view params;  // ";boundary=..." ("" when none)
};

// "Multipart/Mixed; boundary=boundary1" -> {"multipart/mixed", "; boundary=boundary1"}
MediaType parse_media_type(std::string_view content_type);

struct BodyPart {
  MediaType content_type;       // {"text/plain"} when the part has none (RFC 2046 5.1)
  std::string_view content_id;  // without its <>; "" when absent
  std::string_view body;
};

inline constexpr std::size_t kMaxBodyParts = 16;

// The parts of a multipart `body` delimited by `boundary` (CRLF or LF line
// ends; preamble and epilogue ignored). Refused with a reason: an empty or
// over-long boundary, a body in which it does not occur, no closing
// delimiter, more than kMaxBodyParts parts, a part whose headers are not
// ended by an empty line.
Result<std::vector<BodyPart>> parse_multipart(std::string_view body, std::string_view boundary);
// Refused at compile time: the parts would view a std::string that dies
// at the end of the statement (a temporary).
template <typename T>
  requires std::same_as<T, std::string>
Result<std::vector<BodyPart>> parse_multipart(T&& body, std::string_view boundary) = delete;

}  // namespace e911::ingest
