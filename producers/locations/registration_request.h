#pragma once
// The body of POST /v1/me/registration (docs/locations.md): a civic address
// in CONTRACT.md's friendly names and, optionally, the network the client
// sees. Decoded with the project's safe JSON reader; errors name the field
// ("address.country: missing").

#include <optional>
#include <string_view>

#include "common/civic_address.h"
#include "common/ip_address.h"
#include "common/mac_address.h"
#include "common/result.h"

namespace e911::locations {

struct RegistrationRequest {
  CivicAddress address;
  std::optional<IpAddress> network_ip{};
  std::optional<MacAddress> network_bssid{};
};

// A JSON object with "address" (required) and "network" (optional: "ip",
// "bssid"); other members are refused by name, so a typo ("adress") is
// not silently dropped.
Result<RegistrationRequest> decode_registration_request(std::string_view body);

}  // namespace e911::locations
