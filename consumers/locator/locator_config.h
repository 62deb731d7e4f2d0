#pragma once
// The locator's configuration keys (locator.*, docs/operations.md) and what
// they build: the service's options, checked before anything starts.

#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "consumers/locator/locator_service.h"

namespace e911::locator {

const std::vector<ConfigKey>& locator_config_keys();

// The service's options from the configuration: Kafka properties, topics,
// group and instance ids, the registry. Errors name the key (no registry,
// no bootstrap servers).
Result<LocatorServiceOptions> locator_setup(const Config& config);

}  // namespace e911::locator
