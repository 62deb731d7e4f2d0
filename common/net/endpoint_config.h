#pragma once
// Where an endpoint listens, from the configuration keys under one prefix
// ("ingest.http", "locator.elin_lookup"): <prefix>.bind, .port,
// .max_threads, .tls_certificate and .tls_private_key, which the component
// declares among its keys with its own defaults.

#include <string_view>

#include "common/config.h"
#include "common/net/hosted_endpoint.h"
#include "common/result.h"

namespace e911::net {

// Errors name the keys ("ingest.http.tls_certificate and
// ingest.http.tls_private_key: set both, or neither").
Result<EndpointOptions> endpoint_options_from(const Config& config, std::string_view prefix);

}  // namespace e911::net
