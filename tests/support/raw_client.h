#pragma once
// A TCP client for HTTP tests that need to misbehave: connect and send
// nothing, trickle a request, send malformed bytes, hold connections open.
// Every read waits with a deadline.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace e911::test {

class RawClient {
 public:
  // Connects to 127.0.0.1:`port`; throws std::runtime_error if it cannot.
  explicit RawClient(std::uint16_t port);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // False if the peer is gone (reset or closed).
  bool send(const std::string& bytes);
  // Everything received so far, reading for up to `wait` (returns at once
  // when something arrives, or at end of stream).
  const std::string& receive(std::chrono::milliseconds wait);
  // Reads until a whole response (head and Content-Length body) is in, the
  // peer closes, or `timeout` passes; the response (taken out of what was
  // received, so the next call reads the next one), or nullopt.
  std::optional<std::string> response(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // True once the peer has closed the connection (end of stream or reset).
  bool closed() const { return closed_; }
  // Waits up to `timeout` for the peer to close; true if it did.
  bool wait_closed(std::chrono::milliseconds timeout);

  const std::string& received() const { return in_; }  // not yet taken by response()

 private:
  int fd_ = -1;
  std::string in_;
  bool closed_ = false;
};

// Connections that hold a server the way slow clients do: half of them
// connected and silent, half in the middle of a request head that never
// ends.
class SlowClients {
 public:
  SlowClients(std::uint16_t port, int count);
  // None of them was answered or closed by the server (checked without
  // waiting).
  bool all_still_waiting();

 private:
  std::vector<std::unique_ptr<RawClient>> clients_;
};

// The status code of a response ("HTTP/1.1 503 ..." -> 503), 0 if none.
int status_of(const std::string& response);

}  // namespace e911::test
