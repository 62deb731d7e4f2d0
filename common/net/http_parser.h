#pragma once
// Reading HTTP/1.1 requests (RFC 9112), pure: the request head from its
// bytes, and chunked bodies fed as they arrive. Strict where leniency is a
// known way to smuggle requests or confuse a proxy in front (obs-fold,
// white space before the colon, Content-Length together with
// Transfer-Encoding, conflicting or signed Content-Lengths), bounded in
// everything it keeps, and never quoting the client's bytes back in an
// error: a message names what is wrong, not what was sent.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/net/http_message.h"

namespace e911::net {

struct HeadLimits {
  std::size_t max_request_line = 8 * 1024;  // longer: 414
  std::size_t max_head = 16 * 1024;         // request line and headers; longer: 431
  std::size_t max_headers = 100;            // more: 431
};

// What the head says about the rest of the exchange.
struct RequestHead {
  std::string method;
  std::string target;
  int minor_version = 1;
  HttpHeaders headers;
  std::optional<std::uint64_t> content_length;  // nullopt: none (or chunked)
  bool chunked = false;
  bool keep_alive = true;        // HTTP/1.1 unless "close"; HTTP/1.0 only with "keep-alive"
  bool expect_continue = false;  // Expect: 100-continue
};

struct HttpError {
  int status = 400;
  std::string message;  // names the problem; never the request's bytes
};

// Where the head ends in `buffer`: one past its blank line (CRLF CRLF, or
// a bare LF LF), or nullopt while it is incomplete.
std::optional<std::size_t> head_end(std::string_view buffer);

// Parses a complete head (the bytes up to head_end). Errors: 400 for
// malformed syntax (request line, header fields, Content-Length,
// Transfer-Encoding), 414 for a request line over the limit, 431 for too
// many or too large headers, 501 for a transfer coding other than chunked,
// 505 for an HTTP major version other than 1, 417 for an Expect other
// than 100-continue.
struct HeadParse {
  std::optional<RequestHead> head;
  HttpError error;  // when !head
};
HeadParse parse_request_head(std::string_view head, const HeadLimits& limits = {});

// A chunked body (RFC 9112 7.1), fed in pieces as they arrive. Chunk
// extensions and trailer fields are read and dropped (bounded). A body
// past `max_body` is still read to its end, its bytes dropped
// (too_large()), so the answer can be read by the client rather than reset.
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(std::size_t max_body) : max_body_(max_body) {}

  enum class State { more, done, malformed };
  // Consumes from `data`, appending the body's bytes to `body` while it is
  // within max_body; `used` is how much of `data` was consumed (on `done`,
  // the rest is the next request). Once not `more`, feeding again returns
  // the same state.
  State feed(std::string_view data, std::string& body, std::size_t& used);
  State state() const { return state_; }
  bool too_large() const { return too_large_; }
  std::uint64_t dropped() const { return dropped_; }  // bytes of body past max_body

 private:
  enum class Step { size, extension, size_lf, data, data_cr, data_lf, trailer, last_lf };
  std::size_t max_body_;
  Step step_ = Step::size;
  State state_ = State::more;
  std::uint64_t remaining_ = 0;   // of the current chunk
  std::size_t size_digits_ = 0;   // of the current size line
  std::size_t line_bytes_ = 0;    // of the current extension or trailer line
  std::size_t trailer_bytes_ = 0; // all trailer lines together
  bool trailer_empty_ = true;     // the current trailer line has no byte yet
  bool too_large_ = false;
  std::uint64_t dropped_ = 0;
};

}  // namespace e911::net
