#include "tests/support/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace e911::test {

RawClient::RawClient(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::send(const std::string& bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    const auto n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

const std::string& RawClient::receive(std::chrono::milliseconds wait) {
  if (closed_) return in_;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return in_;
  char buf[16 * 1024];
  const auto n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    closed_ = true;
  } else {
    in_.append(buf, static_cast<std::size_t>(n));
  }
  return in_;
}

std::optional<std::string> RawClient::response(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto end = in_.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::size_t length = 0;
      const auto at = in_.find("\r\nContent-Length: ");
      if (at != std::string::npos && at < end) length = std::strtoul(in_.c_str() + at + 18, nullptr, 10);
      if (in_.size() >= end + 4 + length) {
        auto r = in_.substr(0, end + 4 + length);
        in_.erase(0, r.size());
        return r;
      }
    }
    if (closed_ || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    receive(std::chrono::milliseconds(50));
  }
}

bool RawClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && std::chrono::steady_clock::now() < deadline) receive(std::chrono::milliseconds(50));
  return closed_;
}

SlowClients::SlowClients(std::uint16_t port, int count) {
  for (int i = 0; i < count; ++i) {
    clients_.push_back(std::make_unique<RawClient>(port));
    if (i % 2) clients_.back()->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
  }
}

bool SlowClients::all_still_waiting() {
  for (auto& c : clients_) {
    c->receive(std::chrono::milliseconds(0));
    if (c->closed() || !c->received().empty()) return false;
  }
  return true;
}

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

}  // namespace e911::test
