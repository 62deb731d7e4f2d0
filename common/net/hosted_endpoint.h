#pragma once
// What an HTTP endpoint of a component (the observability server, the
// acknowledgement endpoint, the audit API, the coming front ends) is to its
// owner once it runs on the one HttpServer: where it listens, and its stop.
// The endpoint builds its handler and options, then hosts the server.

#include <cstdint>
#include <memory>
#include <string>

namespace e911::net {

class HttpServer;

class HostedEndpoint {
 public:
  HostedEndpoint(const HostedEndpoint&) = delete;
  HostedEndpoint& operator=(const HostedEndpoint&) = delete;

  // The bound port (the real one when the options' port was 0).
  std::uint16_t port() const;
  const std::string& bind_address() const;
  bool tls() const;

 protected:
  HostedEndpoint();
  ~HostedEndpoint();  // stops the server if the endpoint has not

  void host(std::unique_ptr<HttpServer> server);
  // Stops accepting, wakes keep-alive connections and joins the request
  // threads: after it, the handler is not called again. An endpoint whose
  // handler reads its own members calls it in its destructor, since the
  // members go before this base does. Idempotent.
  void stop();

 private:
  std::unique_ptr<HttpServer> server_;
};

}  // namespace e911::net
