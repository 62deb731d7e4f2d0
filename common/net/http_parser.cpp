#include "common/net/http_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <strings.h>

namespace e911::net {
namespace {

constexpr std::size_t kMaxChunkLine = 4096;     // a size line's extension
constexpr std::size_t kMaxTrailers = 8 * 1024;  // all trailer lines together

// RFC 9110 5.6.2 tchar.
bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.':
    case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); });
}

// A field value's bytes: HTAB, SP, VCHAR, obs-text (RFC 9110 5.5).
bool is_field_value(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == '\t' || c >= 0x20 ? c != 0x7f : false;
  });
}

bool same_token(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls `each` with every element of a comma-separated list (RFC 9110
// 5.6.1), trimmed; empty elements are skipped.
template <typename Each>
void for_each_element(std::string_view list, Each&& each) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto element = trim_ows(list.substr(0, comma));
    if (!element.empty()) each(element);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

HeadParse fail(int status, std::string message) { return {std::nullopt, {status, std::move(message)}}; }

// The lines of the head: CRLF-terminated (a bare LF is accepted too).
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  std::optional<std::string_view> next() {
    if (pos_ >= text_.size()) return std::nullopt;
    const auto lf = text_.find('\n', pos_);
    const auto end = lf == std::string_view::npos ? text_.size() : lf;
    auto line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<HttpError> parse_request_line(std::string_view line, RequestHead& head) {
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return HttpError{400, "malformed request line: expected METHOD SP TARGET SP HTTP/1.1"};
  }
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!is_token(method)) return HttpError{400, "malformed request line: the method is not a token"};
  if (target.empty() || !std::all_of(target.begin(), target.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f;
      })) {
    return HttpError{400, "malformed request line: the target holds a byte that must be percent-encoded"};
  }
  // HTTP-version = "HTTP/" DIGIT "." DIGIT
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      !std::isdigit(static_cast<unsigned char>(version[5])) || !std::isdigit(static_cast<unsigned char>(version[7]))) {
    return HttpError{400, "malformed request line: the protocol is not HTTP/1.x"};
  }
  if (version[5] != '1') return HttpError{505, "only HTTP/1.0 and HTTP/1.1 are served"};
  head.method = std::string(method);
  head.target = std::string(target);
  head.minor_version = version[7] - '0';
  return std::nullopt;
}

// Content-Length: 1*DIGIT, each copy of the field (and each element of a
// list) the same value.
std::optional<HttpError> take_content_length(std::string_view value, RequestHead& head) {
  std::optional<HttpError> error;
  bool any = false;
  for_each_element(value, [&](std::string_view v) {
    any = true;
    if (error) return;
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    const bool digits = std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || ec != std::errc() || end != v.data() + v.size() ||
        n > static_cast<std::uint64_t>(INT64_MAX)) {
      error = HttpError{400, "Content-Length is not a number of bytes (digits only, at most 2^63-1)"};
      return;
    }
    if (head.content_length && *head.content_length != n) {
      error = HttpError{400, "conflicting Content-Length values"};
      return;
    }
    head.content_length = n;
  });
  if (!any && !error) error = HttpError{400, "Content-Length is empty"};
  return error;
}

std::optional<HttpError> take_transfer_encoding(std::string_view value, RequestHead& head) {
  std::optional<HttpError> error;
  bool last_chunked = false, any = false, other = false;
  for_each_element(value, [&](std::string_view coding) {
    any = true;
    const auto name = trim_ows(coding.substr(0, coding.find(';')));
    if (head.chunked) error = HttpError{400, "Transfer-Encoding: chunked must be the last coding, once"};
    last_chunked = same_token(name, "chunked");
    if (last_chunked) {
      head.chunked = true;
    } else {
      other = true;
    }
  });
  if (error) return error;
  if (!any) return HttpError{400, "Transfer-Encoding is empty"};
  if (!last_chunked) return HttpError{400, "Transfer-Encoding must end with chunked (the body's length is unknown)"};
  if (other) return HttpError{501, "only the chunked transfer coding is understood"};
  return std::nullopt;
}

}  // namespace

std::optional<std::size_t> head_end(std::string_view buffer) {
  for (std::size_t i = buffer.find('\n'); i != std::string_view::npos; i = buffer.find('\n', i + 1)) {
    if (i + 1 < buffer.size() && buffer[i + 1] == '\n') return i + 2;
    if (i + 2 < buffer.size() && buffer[i + 1] == '\r' && buffer[i + 2] == '\n') return i + 3;
  }
  return std::nullopt;
}

HeadParse parse_request_head(std::string_view text, const HeadLimits& limits) {
  if (text.size() > limits.max_head) return fail(431, "the request head is larger than the server accepts");
  Lines lines(text);
  auto first = lines.next();
  // RFC 9112 2.2: empty lines before the request line are ignored.
  while (first && first->empty()) first = lines.next();
  if (!first) return fail(400, "empty request");
  if (first->size() > limits.max_request_line) return fail(414, "the request line is longer than the server accepts");
  RequestHead head;
  if (auto e = parse_request_line(*first, head)) return {std::nullopt, *e};

  bool connection_close = false, connection_keep_alive = false, has_length = false, has_encoding = false;
  std::string transfer_encoding;
  while (auto line = lines.next()) {
    if (line->empty()) break;
    if (line->front() == ' ' || line->front() == '\t') {
      return fail(400, "malformed header field: a continuation line (obsolete line folding)");
    }
    const auto colon = line->find(':');
    if (colon == std::string_view::npos) return fail(400, "malformed header field: no colon");
    const auto name = line->substr(0, colon);
    if (!is_token(name)) return fail(400, "malformed header field: the name is not a token");
    const auto value = trim_ows(line->substr(colon + 1));
    if (!is_field_value(value)) return fail(400, "malformed header field: a control character in a value");
    if (head.headers.size() >= limits.max_headers) return fail(431, "more header fields than the server accepts");
    head.headers.push_back({std::string(name), std::string(value)});
    if (same_token(name, "Content-Length")) {
      has_length = true;
      if (auto e = take_content_length(value, head)) return {std::nullopt, *e};
    } else if (same_token(name, "Transfer-Encoding")) {
      has_encoding = true;
      if (!transfer_encoding.empty()) transfer_encoding += ",";
      transfer_encoding += value;
    } else if (same_token(name, "Connection")) {
      for_each_element(value, [&](std::string_view option) {
        connection_close |= same_token(option, "close");
        connection_keep_alive |= same_token(option, "keep-alive");
      });
    } else if (same_token(name, "Expect")) {
      if (!same_token(value, "100-continue")) return fail(417, "the only expectation served is 100-continue");
      head.expect_continue = true;
    }
  }
  if (has_encoding) {
    if (has_length) return fail(400, "both Content-Length and Transfer-Encoding");
    if (head.minor_version == 0) return fail(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (auto e = take_transfer_encoding(transfer_encoding, head)) return {std::nullopt, *e};
  }
  head.keep_alive = head.minor_version >= 1 ? !connection_close : connection_keep_alive && !connection_close;
  return {std::move(head), {}};
}

ChunkedDecoder::State ChunkedDecoder::feed(std::string_view data, std::string& body, std::size_t& used) {
  std::size_t i = 0;
  const auto malformed = [&] { return state_ = State::malformed; };
  while (state_ == State::more && i < data.size()) {
    const char c = data[i];
    switch (step_) {
      case Step::size: {
        const auto digit = std::isxdigit(static_cast<unsigned char>(c));
        if (digit) {
          if (++size_digits_ > 15) return used = i, malformed();  // beyond 2^60 bytes: nobody's body
          remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(
                                             c <= '9' ? c - '0' : (std::tolower(static_cast<unsigned char>(c)) - 'a' + 10));
          ++i;
          break;
        }
        if (size_digits_ == 0) return used = i, malformed();
        if (c == ';' || c == ' ' || c == '\t') {
          step_ = Step::extension;
          line_bytes_ = 0;
        } else if (c == '\r') {
          step_ = Step::size_lf;
        } else if (c == '\n') {
          step_ = remaining_ == 0 ? Step::trailer : Step::data;
          trailer_empty_ = true;
        } else {
          return used = i, malformed();
        }
        ++i;
        break;
      }
      case Step::extension:
        if (c == '\r') {
          step_ = Step::size_lf;
        } else if (c == '\n') {
          step_ = remaining_ == 0 ? Step::trailer : Step::data;
          trailer_empty_ = true;
        } else if (++line_bytes_ > kMaxChunkLine || (static_cast<unsigned char>(c) < 0x20 && c != '\t')) {
          return used = i, malformed();
        }
        ++i;
        break;
      case Step::size_lf:
        if (c != '\n') return used = i, malformed();
        step_ = remaining_ == 0 ? Step::trailer : Step::data;
        trailer_empty_ = true;
        ++i;
        break;
      case Step::data: {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size() - i));
        if (too_large_ || body.size() + n > max_body_) {
          too_large_ = true;
          dropped_ += n;
        } else {
          body.append(data.data() + i, n);
        }
        remaining_ -= n;
        i += n;
        if (remaining_ == 0) step_ = Step::data_cr;
        break;
      }
      case Step::data_cr:
        if (c == '\r') {
          step_ = Step::data_lf;
        } else if (c == '\n') {
          step_ = Step::size;
          size_digits_ = 0;
        } else {
          return used = i, malformed();
        }
        ++i;
        break;
      case Step::data_lf:
        if (c != '\n') return used = i, malformed();
        step_ = Step::size;
        size_digits_ = 0;
        ++i;
        break;
      case Step::trailer:
        ++i;
        if (c == '\n') {
          if (trailer_empty_) {
            state_ = State::done;
          } else {
            trailer_empty_ = true;
          }
          break;
        }
        if (c == '\r' && trailer_empty_) {
          step_ = Step::last_lf;
          break;
        }
        if (c != '\r') trailer_empty_ = false;
        if (++trailer_bytes_ > kMaxTrailers) return used = i, malformed();
        break;
      case Step::last_lf:
        if (c != '\n') return used = i, malformed();
        ++i;
        state_ = State::done;
        break;
    }
  }
  used = i;
  return state_;
}

}  // namespace e911::net
