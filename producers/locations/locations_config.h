#pragma once
// The location service's configuration keys (locations.*, docs/locations.md)
// and what they build: the service's options, checked before anything
// starts.

#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "producers/locations/locations_service.h"

namespace e911::locations {

const std::vector<ConfigKey>& locations_config_keys();

class AddressValidator;

// What a registration's address must pass: its country's rules
// (address_rules.h), then the provider's verdict when there is one
// (confirmed: validated; refused: refused; unavailable: accepted
// unvalidated, decision 0008).
std::function<AddressCheck(const CivicAddress&)> address_checks(std::shared_ptr<AddressValidator> provider);

// Errors name the key: no registry (the service loads it as it starts), a
// trusted proxy that is not a CIDR range, a link secret too short, no way
// for anyone to sign in.
Result<LocationsServiceOptions> locations_setup(const Config& config);

}  // namespace e911::locations
