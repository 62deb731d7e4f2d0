#include "common/net/hosted_endpoint.h"

#include "common/net/http_server.h"

namespace e911::net {

HostedEndpoint::HostedEndpoint() = default;
HostedEndpoint::~HostedEndpoint() { stop(); }

void HostedEndpoint::host(std::unique_ptr<HttpServer> server) { server_ = std::move(server); }

void HostedEndpoint::stop() {
  if (server_) server_->stop();
}

std::uint16_t HostedEndpoint::port() const { return server_->port(); }
const std::string& HostedEndpoint::bind_address() const { return server_->bind_address(); }
bool HostedEndpoint::tls() const { return server_->tls(); }

}  // namespace e911::net
