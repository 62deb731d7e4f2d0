#include "common/net/endpoint_config.h"

#include <string>

namespace e911::net {

Result<EndpointOptions> endpoint_options_from(const Config& config, std::string_view prefix) {
  const std::string p(prefix);
  EndpointOptions listen;
  listen.bind = config.get_or(p + ".bind", "127.0.0.1");
  listen.port = static_cast<std::uint16_t>(config.get_int(p + ".port"));
  listen.max_threads = static_cast<std::size_t>(config.get_int(p + ".max_threads"));
  listen.tls_certificate = config.get_or(p + ".tls_certificate", "");
  listen.tls_private_key = config.get_or(p + ".tls_private_key", "");
  if (listen.tls_certificate.empty() != listen.tls_private_key.empty())
    return Error{p + ".tls_certificate and " + p + ".tls_private_key: set both, or neither"};
  return listen;
}

}  // namespace e911::net
