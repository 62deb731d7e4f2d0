#pragma once
// An SMTP sink for the notifier benchmark: a minimal server on 127.0.0.1,
// one epoll thread. Answers 220, 250 to EHLO/HELO/MAIL/RCPT/RSET/NOOP, 354 to DATA, 250 after the
// terminating ".", 221 to QUIT; records, per message, the time just before
// the final 250 is written and the X-E911-Call-Id / X-E911-Notification-Id
// headers.
//
// It stands in for a mail relay so that the relay neither limits the rate
// nor adds its own noise (the tests talk to a real one, aiosmtpd).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench/support/report.h"
#include "bench/support/threads.h"

namespace e911::bench {

struct Acceptance {
  std::string call_id;
  std::string notification_id;
  Clock::time_point at;
};

inline bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

inline std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

class SmtpSink {
 public:
  // record: keep a log entry per message (else only count them).
  SmtpSink(bool quickack, bool record) : quickack_(quickack), record_(record) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error(std::string("sink socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 1024) != 0) {
      throw std::runtime_error(std::string("sink bind/listen: ") + std::strerror(errno));
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || stop_fd_ < 0) throw std::runtime_error("sink epoll/eventfd");
    watch(listen_fd_);
    watch(stop_fd_);
    thread_ = std::thread([this] { loop(); });
    while (tid_.load() == 0) std::this_thread::yield();
  }
  ~SmtpSink() {
    const std::uint64_t one = 1;
    if (::write(stop_fd_, &one, sizeof one) < 0) std::perror("sink stop");
    thread_.join();
    for (const auto& [fd, c] : conns_) ::close(fd);
    ::close(listen_fd_);
    ::close(epoll_fd_);
    ::close(stop_fd_);
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  std::uint16_t port() const { return port_; }
  int tid() const { return tid_.load(); }
  std::uint64_t accepted() const { return count_.load(); }
  std::uint64_t connections() const { return connections_.load(); }
  std::vector<Acceptance> snapshot() const {
    std::lock_guard lock(mu_);
    return log_;
  }

 private:
  struct Conn {
    std::string in;
    bool data = false;
    bool headers = false;
    std::string call_id, notification_id;
  };

  void watch(int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) throw std::runtime_error("sink epoll_ctl");
  }

  static bool send_all(int fd, std::string_view s) {
    while (!s.empty()) {
      const auto n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
      if (n > 0) {
        s.remove_prefix(static_cast<std::size_t>(n));
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, 2000) <= 0) return false;
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        return false;
      }
    }
    return true;
  }

  void drop(int fd) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    conns_.erase(fd);
  }

  // False: close the connection.
  bool line(int fd, Conn& c, std::string_view l) {
    if (c.data) {
      if (l == ".") {
        const auto at = Clock::now();
        const auto n = count_.load() + 1;
        const bool ok = send_all(fd, "250 2.0.0 Ok: queued as S" + std::to_string(n) + "\r\n");
        if (record_) {
          std::lock_guard lock(mu_);
          log_.push_back({std::move(c.call_id), std::move(c.notification_id), at});
        }
        count_.store(n);
        c.data = false;
        c.call_id.clear();
        c.notification_id.clear();
        return ok;
      }
      if (c.headers) {
        if (l.empty()) {
          c.headers = false;
        } else if (starts_with_ci(l, "X-E911-Call-Id:")) {
          c.call_id = trimmed(l.substr(15));
        } else if (starts_with_ci(l, "X-E911-Notification-Id:")) {
          c.notification_id = trimmed(l.substr(23));
        }
      }
      return true;
    }
    if (starts_with_ci(l, "EHLO")) return send_all(fd, "250-e911-bench-sink\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
    if (starts_with_ci(l, "HELO")) return send_all(fd, "250 e911-bench-sink\r\n");
    if (starts_with_ci(l, "MAIL") || starts_with_ci(l, "RCPT") || starts_with_ci(l, "RSET") ||
        starts_with_ci(l, "NOOP")) {
      return send_all(fd, "250 2.0.0 Ok\r\n");
    }
    if (starts_with_ci(l, "DATA")) {
      c.data = true;
      c.headers = true;
      return send_all(fd, "354 End data with <CR><LF>.<CR><LF>\r\n");
    }
    if (starts_with_ci(l, "QUIT")) {
      send_all(fd, "221 2.0.0 Bye\r\n");
      return false;
    }
    return send_all(fd, "502 5.5.2 Command not implemented\r\n");
  }

  void readable(int fd) {
    auto it = conns_.find(fd);
    if (it == conns_.end()) return;
    Conn& c = it->second;
    char buf[65536];
    for (;;) {
      const auto n = ::read(fd, buf, sizeof buf);
      if (quickack_) {
        // Not sticky: the kernel may fall back to delayed ACKs, so again
        // after every read.
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
      }
      if (n > 0) {
        c.in.append(buf, static_cast<std::size_t>(n));
        if (static_cast<std::size_t>(n) < sizeof buf) break;
      } else if (n == 0) {
        drop(fd);
        return;
      } else if (errno == EINTR) {
        continue;
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        break;
      } else {
        drop(fd);
        return;
      }
    }
    std::size_t pos = 0;
    for (;;) {
      const auto eol = c.in.find("\r\n", pos);
      if (eol == std::string::npos) break;
      const std::string_view l(c.in.data() + pos, eol - pos);
      pos = eol + 2;
      if (!line(fd, c, l)) {
        drop(fd);
        return;
      }
    }
    c.in.erase(0, pos);
  }

  void loop() {
    pthread_setname_np(pthread_self(), "smtp-sink");
    tid_.store(current_tid());
    epoll_event events[64];
    for (;;) {
      const int n = ::epoll_wait(epoll_fd_, events, 64, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;
      }
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == stop_fd_) return;
        if (fd == listen_fd_) {
          for (;;) {
            const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c < 0) break;
            const int one = 1;
            ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (quickack_) ::setsockopt(c, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
            conns_[c];
            watch(c);
            connections_.fetch_add(1);
            if (!send_all(c, "220 e911-bench-sink ESMTP\r\n")) drop(c);
          }
          continue;
        }
        readable(fd);
      }
    }
  }

  bool quickack_ = false;
  bool record_ = true;
  int listen_fd_ = -1, epoll_fd_ = -1, stop_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> tid_{0};
  std::atomic<std::uint64_t> count_{0}, connections_{0};
  std::unordered_map<int, Conn> conns_;  // sink thread only
  mutable std::mutex mu_;
  std::vector<Acceptance> log_;
  std::thread thread_;
};

}  // namespace e911::bench
