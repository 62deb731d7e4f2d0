#include "producers/ingest/sip_listener.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>

#include <stdexcept>
#include <vector>

#include "producers/ingest/mirror.h"

namespace e911::ingest {
namespace {

Poco::Net::SocketAddress address_of(const std::string& text, const char* what) {
  try {
    return Poco::Net::SocketAddress(text);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error(std::string("ingest: ") + what + " address " + text + " is not host:port: " +
                             e.displayText());
  }
}

Poco::Timespan timespan(std::chrono::milliseconds ms) { return Poco::Timespan(ms.count() * 1000); }

constexpr int kMaxDatagramsPerPoll = 256;

}  // namespace

SipListeners::SipListeners(SipListenerOptions options, Handler handler, StreamError on_stream_error)
    : options_(std::move(options)), handler_(std::move(handler)), on_stream_error_(std::move(on_stream_error)) {
  if (!options_.udp.empty()) {
    const auto address = address_of(options_.udp, "SIP UDP");
    try {
      udp_.emplace(address.family());
      udp_->bind(address, /*reuseAddress=*/true);
      try {
        udp_->setReceiveBufferSize(options_.udp_receive_buffer_bytes);
      } catch (const Poco::Exception&) {
        // The kernel's rmem_max caps it; the default buffer still works.
      }
    } catch (const Poco::Exception& e) {
      throw std::runtime_error("ingest: cannot listen for SIP on UDP " + options_.udp + ": " + e.displayText());
    }
  }
  if (!options_.tcp.empty()) {
    const auto address = address_of(options_.tcp, "SIP TCP");
    try {
      tcp_.emplace(address, 64);
    } catch (const Poco::Exception& e) {
      throw std::runtime_error("ingest: cannot listen for SIP on TCP " + options_.tcp + ": " + e.displayText());
    }
  }
  datagram_.resize(options_.max_record_bytes + 1);
}

SipListeners::~SipListeners() { close(); }

std::optional<std::uint16_t> SipListeners::udp_port() const {
  if (!udp_) return std::nullopt;
  return udp_->address().port();
}

std::optional<std::uint16_t> SipListeners::tcp_port() const {
  if (!tcp_) return std::nullopt;
  return tcp_->address().port();
}

void SipListeners::poll(std::chrono::milliseconds timeout) {
  Poco::Net::Socket::SocketList readable, writable, failed;
  if (udp_) readable.push_back(*udp_);
  if (tcp_) readable.push_back(*tcp_);
  if (readable.empty()) {
    std::this_thread::sleep_for(timeout);  // nothing to listen on: only the stop flag matters
    return;
  }
  if (Poco::Net::Socket::select(readable, writable, failed, timespan(timeout)) == 0) return;
  for (auto& socket : readable) {
    if (udp_ && socket == *udp_) {
      // This datagram and what else is queued, up to a batch, so a flood
      // on UDP cannot keep connections from being accepted.
      for (int i = 0; i < kMaxDatagramsPerPoll; ++i) {
        Poco::Net::SocketAddress peer;
        int n = 0;
        try {
          n = udp_->receiveFrom(datagram_.data(), static_cast<int>(datagram_.size()), peer);
        } catch (const Poco::Exception&) {
          break;  // ICMP errors and the like: the next datagram is unaffected
        }
        if (n < 0) break;
        handler_(std::string_view(datagram_.data(), static_cast<std::size_t>(n)), "udp");
        if (udp_->available() <= 0) break;
      }
    } else if (tcp_ && socket == *tcp_) {
      accept_connection();
    }
  }
  reap_connections();
}

void SipListeners::accept_connection() {
  Poco::Net::StreamSocket connection;
  try {
    connection = tcp_->acceptConnection();
  } catch (const Poco::Exception&) {
    return;
  }
  std::lock_guard lock(threads_mu_);
  if (connections_.size() >= options_.max_connections) {
    on_stream_error_("more than " + std::to_string(options_.max_connections) + " SIP TCP connections: closed");
    connection.close();
    return;
  }
  auto& c = connections_.emplace_back();
  c.done = std::make_shared<std::atomic<bool>>(false);
  c.thread = std::thread([this, connection, done = c.done]() mutable {
    serve_connection(std::move(connection));
    done->store(true);
  });
}

void SipListeners::reap_connections() {
  std::lock_guard lock(threads_mu_);
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void SipListeners::serve_connection(Poco::Net::StreamSocket socket) {
  std::string buffer;
  std::vector<char> chunk(16 * 1024);
  auto idle = std::chrono::milliseconds(0);
  constexpr std::chrono::milliseconds kSlice{200};
  try {
    bool open = true;
    while (open && !closing_.load()) {
      if (!socket.poll(timespan(kSlice), Poco::Net::Socket::SELECT_READ)) {
        idle += kSlice;
        open = idle < options_.tcp_idle_timeout;
        continue;
      }
      idle = std::chrono::milliseconds(0);
      const int n = socket.receiveBytes(chunk.data(), static_cast<int>(chunk.size()));
      if (n <= 0) break;
      buffer.append(chunk.data(), static_cast<std::size_t>(n));
      while (open && !buffer.empty()) {
        const auto length = stream_record_length(buffer, options_.max_record_bytes);
        if (!length) {
          on_stream_error_(length.error().message + " (connection closed)");
          open = false;
        } else if (*length == 0) {
          break;
        } else {
          handler_(std::string_view(buffer).substr(0, *length), "tcp");
          buffer.erase(0, *length);
        }
      }
    }
  } catch (const Poco::Exception&) {
    // A reset connection: the proxy reconnects.
  }
  try {
    socket.close();
  } catch (const Poco::Exception&) {
  }
}

void SipListeners::close() {
  if (closing_.exchange(true)) return;
  try {
    if (udp_) udp_->close();
    if (tcp_) tcp_->close();
  } catch (const Poco::Exception&) {
  }
  std::list<Connection> connections;
  {
    std::lock_guard lock(threads_mu_);
    connections.swap(connections_);
  }
  for (auto& c : connections)
    if (c.thread.joinable()) c.thread.join();
}

}  // namespace e911::ingest
