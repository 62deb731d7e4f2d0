#include "cli/component_config.h"

#include <iostream>

namespace e911::cli {

std::optional<Config> load_component_config(const Options& opts, std::string_view command,
                                            std::vector<ConfigKey> keys,
                                            const std::vector<std::pair<const char*, const char*>>& overrides) {
  ConfigLoadOptions load;
  load.file = opts.value("--config").value_or("");
  load.environment = ConfigLoadOptions::from_process_environment();
  load.extra_keys = std::move(keys);
  auto config = Config::load(load);
  if (!config) {
    std::cerr << "e911 " << command << ": " << config.error().message << "\n";
    return std::nullopt;
  }
  for (const auto& [option, key] : overrides) {
    if (const auto v = opts.value(option)) {
      if (const auto err = config->set(key, *v, option)) {
        std::cerr << "e911 " << command << ": " << err->message << "\n";
        return std::nullopt;
      }
    }
  }
  return std::move(*config);
}

service::ForegroundOptions foreground_options(std::string_view command, const Config& config, bool reload_on_sighup) {
  service::ForegroundOptions o;
  o.command = std::string(command);
  o.metrics_bind = config.get_or("metrics.bind", "127.0.0.1");
  o.metrics_port = static_cast<std::uint16_t>(config.get_int("metrics.port"));
  o.reload_on_sighup = reload_on_sighup;
  return o;
}

}  // namespace e911::cli
