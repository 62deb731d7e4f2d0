#include "consumers/locator/locator_config.h"

#include "common/net/endpoint_config.h"

namespace e911::locator {

const std::vector<ConfigKey>& locator_config_keys() {
  static const std::vector<ConfigKey> keys = {
      ConfigKey::text("locator.registry"),
      ConfigKey::text("locator.group_id", "e911-locator"),
      // How long an ELIN assignment answers a callback (elin_pool.h): 3 h.
      ConfigKey::integer("locator.elin_window_s", 10'800, 60, 7 * 86'400),
      // The ELIN lookup endpoint (elin_lookup_endpoint.h), for the PBX's
      // callback routing.
      ConfigKey::boolean("locator.elin_lookup.enabled", false),
      ConfigKey::text("locator.elin_lookup.bind", "127.0.0.1"),
      ConfigKey::integer("locator.elin_lookup.port", 8097, 0, 65535),
      ConfigKey::integer("locator.elin_lookup.max_threads", 4, 1, 64),
      ConfigKey::text("locator.elin_lookup.tokens_file"),
      ConfigKey::text("locator.elin_lookup.tls_certificate", ""),
      ConfigKey::text("locator.elin_lookup.tls_private_key", ""),
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
  if (config.get_bool("locator.elin_lookup.enabled")) {
    ElinLookupOptions lookup;
    auto listen = net::endpoint_options_from(config, "locator.elin_lookup");
    if (!listen) return listen.error();
    lookup.listen = std::move(*listen);
    lookup.tokens_file = config.get_or("locator.elin_lookup.tokens_file", "");
    if (lookup.tokens_file.empty())
      return Error{"locator.elin_lookup.tokens_file: required when locator.elin_lookup.enabled is true (bearer "
                   "tokens, as `e911 audit serve --hash-token` makes them)"};
    options.elin_lookup = std::move(lookup);
  }
  return options;
}

}  // namespace e911::locator
