#include "consumers/locator/locator_config.h"

namespace e911::locator {

const std::vector<ConfigKey>& locator_config_keys() {
  static const std::vector<ConfigKey> keys = {
      ConfigKey::text("locator.registry"),
      ConfigKey::text("locator.group_id", "e911-locator"),
      // How long an ELIN assignment answers a callback (elin_pool.h): 3 h.
      ConfigKey::integer("locator.elin_window_s", 10'800, 60, 7 * 86'400),
  };
  return keys;
}

Result<LocatorServiceOptions> locator_setup(const Config& config) {
  const auto registry = config.get("locator.registry");
  if (!registry || registry->empty()) return Error{"no registry: give --registry FILE or set locator.registry"};
  LocatorServiceOptions options;
  options.kafka = config.kafka_properties();
  if (const auto error = kafka_settings_error(config)) return Error{*error};
  options.topics = config.topics();
  options.group_id = config.get_or("locator.group_id", "e911-locator");
  options.instance_id = config.instance_id("locator");
  options.registry_path = *registry;
  options.dead_letter_max_payload = static_cast<std::size_t>(config.get_int("dead_letter.max_payload_bytes"));
  options.elin_window = std::chrono::seconds(config.get_int("locator.elin_window_s"));
  return options;
}

}  // namespace e911::locator
