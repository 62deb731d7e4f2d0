#pragma once
// The locator as `e911 locator` runs it on a benchmark's cluster: its
// Kafka client settings, the pipeline's topics and the registry file.

#include <string>

#include "common/config.h"
#include "common/kafka/properties.h"
#include "consumers/locator/locator_service.h"

namespace e911::bench {

inline locator::LocatorServiceOptions locator_options(const kafka::Properties& props, const std::string& registry,
                                                      const Config::Topics& topics) {
  locator::LocatorServiceOptions o;
  o.kafka = props;
  o.topics = topics;
  o.registry_path = registry;
  return o;
}

}  // namespace e911::bench
