#pragma once
// The sockets a SIP proxy mirrors to: UDP (one record per datagram) and
// TCP (records framed by stream_record_length: HEP v3 lengths, SIP
// Content-Length). They only ever read: nothing is sent back, so the
// proxy's calls never wait on the ingest.
//
// Threads: poll() runs on the owner's thread and reads the UDP socket and
// accepts connections; each TCP connection is read on a thread of its own
// (at most max_connections; more are closed at once). The handler is
// called from all of them, concurrently.

#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace e911::ingest {

struct SipListenerOptions {
  std::string udp{};  // "127.0.0.1:9060"; empty: no UDP socket
  std::string tcp{};  // "127.0.0.1:9060"; empty: no TCP socket
  std::size_t max_record_bytes = 65535;
  std::size_t max_connections = 64;
  int udp_receive_buffer_bytes = 4 << 20;  // absorbs bursts while a record is produced
  std::chrono::milliseconds tcp_idle_timeout{std::chrono::minutes(10)};
};

class SipListeners {
 public:
  // `transport` is "udp" or "tcp"; `record` is valid during the call.
  using Handler = std::function<void(std::string_view record, std::string_view transport)>;
  // What goes wrong on a TCP stream that cannot be framed (the connection
  // is then closed).
  using StreamError = std::function<void(const std::string& reason)>;

  // Binds the configured sockets; throws std::runtime_error naming the
  // address when one cannot be bound or parsed.
  SipListeners(SipListenerOptions options, Handler handler, StreamError on_stream_error);
  ~SipListeners();  // close()
  SipListeners(const SipListeners&) = delete;
  SipListeners& operator=(const SipListeners&) = delete;

  // Waits up to `timeout` for a datagram or a connection and handles what
  // came. Returns after at most `timeout` whatever happens.
  void poll(std::chrono::milliseconds timeout);
  // Closes the sockets and joins every connection thread. Idempotent.
  void close();

  std::optional<std::uint16_t> udp_port() const;
  std::optional<std::uint16_t> tcp_port() const;

 private:
  void accept_connection();
  void serve_connection(Poco::Net::StreamSocket socket);
  // Joins the threads of connections that ended.
  void reap_connections();

  struct Connection {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };

  SipListenerOptions options_;
  Handler handler_;
  StreamError on_stream_error_;
  std::optional<Poco::Net::DatagramSocket> udp_;
  std::optional<Poco::Net::ServerSocket> tcp_;
  std::string datagram_;
  std::atomic<bool> closing_{false};
  std::mutex threads_mu_;
  std::list<Connection> connections_;
};

}  // namespace e911::ingest
