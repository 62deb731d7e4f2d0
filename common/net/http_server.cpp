#include "common/net/http_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "common/log.h"
#include "common/net/http_connection.h"

namespace e911::net {
namespace {

using Clock = std::chrono::steady_clock;
using detail::HttpConnection;

// A refused plain-HTTP connection is read (and dropped) this long before
// it is closed, so that its 503 is not destroyed by a reset.
constexpr auto kRefusalLinger = std::chrono::milliseconds(2000);
// At most this many refused connections linger at once; more are closed
// at once.
constexpr std::size_t kMaxLingering = 1024;
// A "server full" warning at most this often.
constexpr auto kFullWarningEvery = std::chrono::seconds(10);

const Logger& logger() {
  static const Logger log("http");
  return log;
}

// Writing to a connection the client closed must be an error, not a
// signal that ends the process.
void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

HttpResponse plain_error(int status, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::string(message) + "\n";
  return r;
}

void check_options(const HttpServerOptions& o) {
  const auto positive = [&](std::size_t v, const char* what) {
    if (v == 0) throw std::invalid_argument(o.name + ": " + what + " must be at least 1");
  };
  positive(o.max_connections, "max_connections");
  positive(o.max_connections_per_client, "max_connections_per_client");
  positive(o.max_handlers, "max_handlers");
  positive(o.max_requests_per_connection, "max_requests_per_connection");
  if (o.header_timeout.count() <= 0 || o.body_timeout.count() <= 0 || o.idle_timeout.count() <= 0 ||
      o.write_timeout.count() <= 0 || o.overflow_timeout.count() <= 0) {
    throw std::invalid_argument(o.name + ": every timeout must be positive");
  }
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpHandler handler, HttpServerOptions options) : handler_(std::move(handler)), options_(std::move(options)) {
    check_options(options_);
    if (!handler_) throw std::invalid_argument(options_.name + ": no handler");
    if (!options_.error_response) options_.error_response = plain_error;
    ignore_sigpipe();
    tls_ = !options_.tls.isNull();
    if (tls_) listener_ = Poco::Net::SecureServerSocket(options_.tls);
    try {
      // SO_REUSEADDR for quick restarts, but not SO_REUSEPORT: a second
      // process on the same port must fail here, not take half the requests.
      listener_.bind(Poco::Net::SocketAddress(options_.bind, options_.port), /*reuseAddress=*/true,
                     /*reusePort=*/false);
      listener_.listen(128);
    } catch (const Poco::Exception& e) {
      throw std::runtime_error(options_.name + " cannot listen on " + options_.bind + ":" +
                               std::to_string(options_.port) + ": " + e.displayText());
    }
    port_ = listener_.address().port();
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error(options_.name + ": cannot create a pipe");
    HttpResponse busy = options_.error_response(503, "the server is busy; try again shortly");
    for (const auto& h : options_.response_headers) {
      if (!busy.header(h.name)) busy.headers.push_back(h);
    }
    busy.set("Retry-After", std::to_string(options_.retry_after_seconds));
    busy_bytes_ = serialize_head(busy, busy.body.size(), /*close=*/true, false) + busy.body;
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~Impl() {
    stop();
    ::close(wake_[0]);
    ::close(wake_[1]);
  }

  void stop() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      stopped_ = true;
      stopping_.store(true);
      // Wake every connection: a blocked read returns, a waiting handler
      // slot gives up.
      for (auto& [id, c] : conns_) {
        if (c.fd >= 0) ::shutdown(c.fd, SHUT_RDWR);
      }
      slots_cv_.notify_all();
    }
    wake();
    if (acceptor_.joinable()) acceptor_.join();
    {
      // The entries stay until every thread is joined: each finishes by
      // marking its own.
      std::lock_guard lock(mu_);
      for (auto& [id, c] : conns_) threads.push_back(std::move(c.thread));
    }
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
    std::lock_guard lock(mu_);
    conns_.clear();
    lingering_.clear();
  }

  std::uint16_t port() const { return port_; }
  const std::string& bind() const { return options_.bind; }
  bool tls() const { return tls_; }

  HttpServerStats stats() const {
    HttpServerStats s;
    s.connections = connections_.load();
    s.requests = requests_.load();
    s.refused = refused_.load();
    s.dropped = dropped_.load();
    s.timed_out = timed_out_.load();
    s.rejected = rejected_.load();
    return s;
  }

 private:
  struct Conn {
    std::thread thread;
    int fd = -1;
    bool done = false;
    bool overflow = false;
    std::string client;
  };
  struct Lingering {
    Poco::Net::StreamSocket socket;
    Clock::time_point until;
  };

  void wake() {
    const char b = 1;
    [[maybe_unused]] const auto n = ::write(wake_[1], &b, 1);
  }

  void accept_loop() {
    while (!stopping_.load()) {
      reap();
      std::vector<pollfd> fds{{listener_.impl()->sockfd(), POLLIN, 0}, {wake_[0], POLLIN, 0}};
      for (const auto& l : lingering_) fds.push_back({l.socket.impl()->sockfd(), POLLIN, 0});
      int timeout = -1;
      if (!lingering_.empty()) {
        auto first = lingering_.front().until;
        for (const auto& l : lingering_) first = std::min(first, l.until);
        timeout = static_cast<int>(
            std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(first - Clock::now()).count()) + 1);
      }
      if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) break;
      if (fds[1].revents != 0) {
        char buf[64];
        while (::read(wake_[0], buf, sizeof buf) > 0) {
        }
      }
      serve_lingering(fds);
      if (stopping_.load()) break;
      if (fds[0].revents & POLLIN) accept_one();
    }
    try {
      listener_.close();
    } catch (const Poco::Exception&) {
    }
  }

  // Reads and drops what refused clients still send; closes those done.
  void serve_lingering(const std::vector<pollfd>& fds) {
    const auto now = Clock::now();
    std::vector<Lingering> kept;
    for (std::size_t i = 0; i < lingering_.size(); ++i) {
      auto& l = lingering_[i];
      bool done = now >= l.until;
      if (!done && fds[i + 2].revents != 0) {
        char buf[4096];
        const auto n = ::recv(fds[i + 2].fd, buf, sizeof buf, MSG_DONTWAIT);
        done = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
      }
      if (!done) kept.push_back(std::move(l));
    }
    lingering_ = std::move(kept);
  }

  void accept_one() {
    Poco::Net::SocketAddress peer;
    Poco::Net::StreamSocket socket;
    try {
      socket = listener_.acceptConnection(peer);
    } catch (const Poco::Exception& e) {
      logger().warn("accept failed", {{"server", options_.name}, {"error", e.displayText()}});
      return;
    }
    const std::string client = peer.host().toString();
    std::lock_guard lock(mu_);
    auto& from_client = per_client_[client];
    const bool room = normal_ < options_.max_connections && from_client < options_.max_connections_per_client;
    const bool overflow = !room && overflow_ < options_.overflow_connections;
    if (!room && !overflow) {
      refuse_at_once(std::move(socket), client);
      if (from_client == 0) per_client_.erase(client);
      return;
    }
    if (!room) warn_full(client);
    ++from_client;
    ++(overflow ? overflow_ : normal_);
    ++connections_;
    const auto id = next_id_++;
    auto& c = conns_[id];
    c.fd = socket.impl()->sockfd();
    c.overflow = overflow;
    c.client = client;
    c.thread = std::thread([this, id, overflow, client, s = std::move(socket)]() mutable {
      serve(id, std::move(s), client, overflow);
    });
  }

  // Past even the overflow lane: a plain-HTTP client still gets its 503
  // (written at once, without reading the request); a TLS client, whose
  // answer would need a handshake, is closed.
  void refuse_at_once(Poco::Net::StreamSocket socket, const std::string& client) {
    warn_full(client);
    if (tls_ || lingering_.size() >= kMaxLingering) {
      ++dropped_;
      return;
    }
    const int fd = socket.impl()->sockfd();
    const auto sent = ::send(fd, busy_bytes_.data(), busy_bytes_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent < 0) {
      ++dropped_;
      return;
    }
    ++refused_;
    ::shutdown(fd, SHUT_WR);
    lingering_.push_back({std::move(socket), Clock::now() + kRefusalLinger});
  }

  void warn_full(const std::string& client) {
    const auto now = Clock::now();
    if (now < next_full_warning_) return;
    next_full_warning_ = now + kFullWarningEvery;
    logger().warn("connections refused: the server is full or one client holds too many",
                  {{"server", options_.name}, {"client", client}, {"connections", normal_},
                   {"max_connections", options_.max_connections}});
  }

  bool is_priority(const HttpRequest& r) const {
    for (const auto& p : options_.priority_paths) {
      if (r.path == p) return true;
    }
    return false;
  }

  HttpResponse handle(const HttpRequest& request) {
    try {
      return handler_(request);
    } catch (const std::exception& e) {
      logger().error("request failed", {{"server", options_.name}, {"method", request.method},
                                        {"error", e.what()}});
    } catch (...) {
      logger().error("request failed", {{"server", options_.name}, {"method", request.method}});
    }
    return options_.error_response(500, "internal error: the request could not be answered");
  }

  // A handler slot, waiting for one; false when the server stops first.
  bool take_slot() {
    std::unique_lock lock(mu_);
    slots_cv_.wait(lock, [&] { return busy_handlers_ < options_.max_handlers || stopping_.load(); });
    if (stopping_.load()) return false;
    ++busy_handlers_;
    return true;
  }
  void give_slot() {
    std::lock_guard lock(mu_);
    --busy_handlers_;
    slots_cv_.notify_one();
  }

  void serve(std::uint64_t id, Poco::Net::StreamSocket socket, const std::string& client, bool overflow) {
    {
      HttpConnection conn(std::move(socket), client, tls_, options_);
      serve_requests(conn, overflow);
      {
        // From here on stop() must not touch the descriptor: it closes
        // with `conn`.
        std::lock_guard lock(mu_);
        conns_[id].fd = -1;
      }
    }
    std::lock_guard lock(mu_);
    auto& c = conns_[id];
    c.done = true;
    --(c.overflow ? overflow_ : normal_);
    if (--per_client_[client] == 0) per_client_.erase(client);
    wake();
  }

  void serve_requests(HttpConnection& conn, bool overflow) {
    const auto first_wait = overflow ? options_.overflow_timeout : options_.header_timeout;
    const auto head_timeout = overflow ? options_.overflow_timeout : options_.header_timeout;
    for (std::size_t n = 0; n < options_.max_requests_per_connection; ++n) {
      auto next = conn.read_request(n == 0 ? first_wait : options_.idle_timeout, head_timeout);
      if (next.kind == HttpConnection::Next::Kind::closed) break;
      if (next.kind == HttpConnection::Next::Kind::refused) {
        ++(next.error.status == 408 ? timed_out_ : rejected_);
        conn.write(options_.error_response(next.error.status, next.error.message), false, true, false);
        break;
      }
      const auto& request = next.request;
      const bool priority = is_priority(request);
      HttpResponse response;
      if (overflow && !priority) {
        ++refused_;
        response = options_.error_response(503, "the server is busy; try again shortly");
        response.close = true;
      } else if (priority) {
        ++requests_;
        response = handle(request);
      } else if (take_slot()) {
        ++requests_;
        response = handle(request);
        give_slot();
      } else {
        response = options_.error_response(503, "the server is stopping");
        response.close = true;
      }
      const bool close = !next.keep_alive || response.close || overflow || stopping_.load() ||
                         n + 1 == options_.max_requests_per_connection;
      if (!conn.write(response, request.method == "HEAD", close, next.keep_alive_1_0) || close) break;
    }
    conn.linger();
  }

  void reap() {
    std::vector<std::thread> finished;
    {
      std::lock_guard lock(mu_);
      for (auto it = conns_.begin(); it != conns_.end();) {
        if (it->second.done) {
          finished.push_back(std::move(it->second.thread));
          it = conns_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& t : finished) t.join();
  }

  HttpHandler handler_;
  HttpServerOptions options_;
  bool tls_ = false;
  Poco::Net::ServerSocket listener_;
  std::uint16_t port_ = 0;
  int wake_[2] = {-1, -1};
  std::string busy_bytes_;
  std::thread acceptor_;
  std::vector<Lingering> lingering_;  // acceptor thread only
  Clock::time_point next_full_warning_{};

  std::mutex mu_;
  std::condition_variable slots_cv_;
  std::map<std::uint64_t, Conn> conns_;
  std::map<std::string, std::size_t> per_client_;
  std::size_t normal_ = 0, overflow_ = 0, busy_handlers_ = 0;
  std::uint64_t next_id_ = 0;
  bool stopped_ = false;
  std::atomic<bool> stopping_{false};

  std::atomic<std::uint64_t> connections_{0}, requests_{0}, refused_{0}, dropped_{0}, timed_out_{0}, rejected_{0};
};

HttpServer::HttpServer(HttpHandler handler, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(options))) {}
HttpServer::~HttpServer() = default;
void HttpServer::stop() { impl_->stop(); }
std::uint16_t HttpServer::port() const { return impl_->port(); }
const std::string& HttpServer::bind_address() const { return impl_->bind(); }
bool HttpServer::tls() const { return impl_->tls(); }
HttpServerStats HttpServer::stats() const { return impl_->stats(); }

}  // namespace e911::net
