#pragma once
// Configuration of a long-running component (`e911 locator`, `e911
// notifier`): the --config file, the environment, then command-line
// options that override single keys.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/options.h"
#include "common/config.h"
#include "common/service/service_runner.h"

namespace e911::cli {

// Loads it and applies `overrides` (option -> key) that were given. On an
// error prints "e911 <command>: <reason>" to standard error and returns
// nullopt (exit status 2).
std::optional<Config> load_component_config(const Options& opts, std::string_view command,
                                            std::vector<ConfigKey> keys,
                                            const std::vector<std::pair<const char*, const char*>>& overrides);


// How `e911 <command>` runs in the foreground: metrics.bind and
// metrics.port from the configuration.
service::ForegroundOptions foreground_options(std::string_view command, const Config& config, bool reload_on_sighup);

}  // namespace e911::cli
