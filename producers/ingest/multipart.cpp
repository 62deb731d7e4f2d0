#include "producers/ingest/multipart.h"

#include "common/text.h"
#include "producers/ingest/sip_message.h"

namespace e911::ingest {
namespace {

constexpr std::size_t kMaxBoundary = 70;  // RFC 2046 section 5.1.1

// The next occurrence of `delimiter` at the start of a line, from `from`.
std::size_t find_delimiter(std::string_view body, std::string_view delimiter, std::size_t from) {
  while (from <= body.size()) {
    const auto at = body.find(delimiter, from);
    if (at == std::string_view::npos) return at;
    if (at == 0 || body[at - 1] == '\n') return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

std::string_view strip_line_end(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

std::optional<Error> parse_part(std::string_view text, std::size_t index, BodyPart& part) {
  std::size_t pos = 0;
  part.content_type = {"text/plain", {}};
  while (true) {
    const auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      // Only headers and no empty line: tolerated when nothing follows at all.
      if (trim(text.substr(pos)).empty()) {
        part.body = {};
        return std::nullopt;
      }
      return Error{"multipart body: the headers of part " + std::to_string(index) + " do not end with an empty line"};
    }
    auto line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // a continuation or noise: not a header we use
    const auto name = trim(line.substr(0, colon));
    const auto value = trim(line.substr(colon + 1));
    if (equals_ignore_case(name, "Content-Type") || equals_ignore_case(name, "c")) {
      part.content_type = parse_media_type(value);
    } else if (equals_ignore_case(name, "Content-ID")) {
      auto id = value;
      if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
      part.content_id = id;
    }
  }
  part.body = text.substr(pos);
  return std::nullopt;
}

}  // namespace

MediaType parse_media_type(std::string_view content_type) {
  const auto semi = content_type.find(';');
  MediaType out;
  out.type = to_lower_ascii(trim(content_type.substr(0, semi)));
  if (semi != std::string_view::npos) out.params = content_type.substr(semi);
  return out;
}

Result<std::vector<BodyPart>> parse_multipart(std::string_view body, std::string_view boundary) {
  if (boundary.empty()) return Error{"multipart body: the Content-Type has no boundary"};
  if (boundary.size() > kMaxBoundary)
    return Error{"multipart body: boundary longer than " + std::to_string(kMaxBoundary) + " characters"};
  const std::string delimiter = "--" + std::string(boundary);
  auto at = find_delimiter(body, delimiter, 0);
  if (at == std::string_view::npos)
    return Error{"multipart body: boundary " + quote_for_message(boundary, 40) + " does not occur in the body"};
  std::vector<BodyPart> parts;
  while (true) {
    std::size_t pos = at + delimiter.size();
    if (body.substr(pos, 2) == "--") {
      if (parts.empty()) return Error{"multipart body: no parts before the closing boundary"};
      return parts;
    }
    // Transport padding, then the line end that ends the delimiter line.
    const auto nl = body.find('\n', pos);
    if (nl == std::string_view::npos) return Error{"multipart body: no closing boundary (a truncated body?)"};
    if (!trim(strip_line_end(body.substr(pos, nl + 1 - pos))).empty())
      return Error{"multipart body: text after boundary " + quote_for_message(boundary, 40) + " on its line"};
    const auto start = nl + 1;
    const auto next = find_delimiter(body, delimiter, start);
    if (next == std::string_view::npos) return Error{"multipart body: no closing boundary (a truncated body?)"};
    if (parts.size() == kMaxBodyParts)
      return Error{"multipart body: more than " + std::to_string(kMaxBodyParts) + " parts"};
    // The line end before a delimiter belongs to the delimiter.
    const auto text = strip_line_end(body.substr(start, next - start));
    BodyPart part;
    if (auto err = parse_part(text, parts.size() + 1, part)) return *err;
    parts.push_back(part);
    at = next;
  }
}

}  // namespace e911::ingest
