#include "common/net/http_connection.h"

#include <Poco/Exception.h>
#include <Poco/Timespan.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>

namespace e911::net::detail {
namespace {

// After a too-large body, up to this much more is read and dropped so the
// 413 reaches the client; a client declaring more is cut off.
constexpr std::size_t kDrainBytes = 64 * 1024;
// How long a closing connection is read for what the client still sends.
constexpr auto kLinger = std::chrono::milliseconds(1000);

Poco::Timespan timespan_until(HttpConnection::Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - HttpConnection::Clock::now());
  return Poco::Timespan(std::max<std::int64_t>(left.count(), 1000));
}

}  // namespace

HttpConnection::HttpConnection(Poco::Net::StreamSocket socket, std::string client_address, bool tls,
                               const HttpServerOptions& options)
    : socket_(std::move(socket)), fd_(socket_.impl()->sockfd()), client_(std::move(client_address)), tls_(tls),
      options_(options) {
  socket_.setNoDelay(true);
}

HttpConnection::Io HttpConnection::receive(Clock::time_point deadline) {
  char buf[16 * 1024];
  for (;;) {
    if (Clock::now() >= deadline) return Io::timeout;
    try {
      socket_.setReceiveTimeout(timespan_until(deadline));
      const int n = socket_.receiveBytes(buf, sizeof buf);
      if (n > 0) {
        buffer_.append(buf, static_cast<std::size_t>(n));
        return Io::ok;
      }
      if (n == 0) return Io::closed;
      // < 0: TLS wants more of a record; go on until the deadline.
    } catch (const Poco::TimeoutException&) {
      // Checked against the deadline above.
    } catch (const Poco::Exception&) {
      return Io::closed;  // reset, TLS failure, or shut down by stop()
    }
  }
}

bool HttpConnection::send_all(std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    if (Clock::now() >= deadline) return false;
    try {
      socket_.setSendTimeout(timespan_until(deadline));
      const int n = socket_.sendBytes(data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 20)));
      if (n > 0) data.remove_prefix(static_cast<std::size_t>(n));
    } catch (const Poco::TimeoutException&) {
    } catch (const Poco::Exception&) {
      return false;
    }
  }
  return true;
}

HttpConnection::Next HttpConnection::refuse(int status, std::string message) {
  Next next;
  next.kind = Next::Kind::refused;
  next.error = {status, std::move(message)};
  return next;
}

HttpConnection::Next HttpConnection::read_request(std::chrono::milliseconds idle,
                                                  std::chrono::milliseconds head_timeout) {
  if (buffer_.empty()) {
    if (receive(Clock::now() + idle) != Io::ok) return {};
  }
  const auto head_deadline = Clock::now() + head_timeout;
  std::optional<std::size_t> end;
  while (!(end = head_end(buffer_))) {
    const auto& limits = options_.head_limits;
    if (buffer_.find('\n') == std::string::npos && buffer_.size() > limits.max_request_line) {
      return refuse(414, "the request line is longer than the server accepts");
    }
    if (buffer_.size() > limits.max_head) return refuse(431, "the request head is larger than the server accepts");
    switch (receive(head_deadline)) {
      case Io::ok: break;
      case Io::timeout: return refuse(408, "the request did not arrive in time");
      case Io::closed: return {};
    }
  }
  auto parsed = parse_request_head(std::string_view(buffer_).substr(0, *end), options_.head_limits);
  buffer_.erase(0, *end);
  if (!parsed.head) return refuse(parsed.error.status, parsed.error.message);
  auto& head = *parsed.head;

  Next next;
  next.kind = Next::Kind::request;
  next.keep_alive = head.keep_alive;
  next.keep_alive_1_0 = head.keep_alive && head.minor_version == 0;
  auto& r = next.request;
  r.method = std::move(head.method);
  r.target = std::move(head.target);
  const auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  r.minor_version = head.minor_version;
  r.headers = std::move(head.headers);
  r.client_address = client_;
  r.tls = tls_;
  return read_body(std::move(next), head);
}

HttpConnection::Next HttpConnection::read_body(Next next, const RequestHead& head) {
  const auto deadline = Clock::now() + options_.body_timeout;
  const std::size_t max = options_.max_body_bytes;
  auto& body = next.request.body;
  const auto say_continue = [&] {
    if (head.expect_continue) send_all("HTTP/1.1 100 Continue\r\n\r\n", Clock::now() + options_.write_timeout);
  };
  if (head.content_length) {
    const auto length = *head.content_length;
    if (length > max) {
      // Drop what is cheap to drop, so the 413 is read rather than reset.
      if (!head.expect_continue && length <= max + kDrainBytes) {
        while (buffer_.size() < length && receive(deadline) == Io::ok) {
        }
        buffer_.clear();
      }
      return refuse(413, "the request body is larger than the server accepts");
    }
    if (length > buffer_.size()) say_continue();
    while (buffer_.size() < length) {
      switch (receive(deadline)) {
        case Io::ok: break;
        case Io::timeout: return refuse(408, "the request body did not arrive in time");
        case Io::closed: return {};
      }
    }
    body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return next;
  }
  if (!head.chunked) return next;
  say_continue();
  ChunkedDecoder decoder(max);
  for (;;) {
    std::size_t used = 0;
    const auto state = decoder.feed(buffer_, body, used);
    buffer_.erase(0, used);
    const bool too_large = decoder.too_large();
    if (too_large && (state == ChunkedDecoder::State::done || decoder.dropped() > kDrainBytes)) {
      if (state != ChunkedDecoder::State::done) buffer_.clear();
      return refuse(413, "the request body is larger than the server accepts");
    }
    if (state == ChunkedDecoder::State::done) return next;
    if (state == ChunkedDecoder::State::malformed) return refuse(400, "malformed chunked request body");
    switch (receive(deadline)) {
      case Io::ok: break;
      case Io::timeout: return refuse(408, "the request body did not arrive in time");
      case Io::closed: return {};
    }
  }
}

bool HttpConnection::write(const HttpResponse& response, bool head_only, bool close, bool keep_alive_1_0) {
  HttpResponse out = response;
  for (const auto& h : options_.response_headers) {
    if (!out.header(h.name)) out.headers.push_back(h);
  }
  if (response.status == 503 && !out.header("Retry-After")) {
    out.set("Retry-After", std::to_string(options_.retry_after_seconds));
  }
  const auto deadline = Clock::now() + options_.write_timeout;
  std::string data = serialize_head(out, out.body.size(), close, keep_alive_1_0);
  if (!head_only) data += out.body;
  return send_all(data, deadline);
}

void HttpConnection::linger() {
  ::shutdown(fd_, SHUT_WR);
  const auto until = Clock::now() + kLinger;
  std::size_t dropped = 0;
  char buf[4096];
  while (dropped < kDrainBytes) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    dropped += static_cast<std::size_t>(n);
  }
}

}  // namespace e911::net::detail
