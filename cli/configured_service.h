#pragma once
// `e911 <component>` for a component whose configuration alone makes its
// Service (the locator, the ingest, the locations service): the command
// line's early exit (--help, usage errors), the configuration (--config
// file, environment, overriding options), the component's setup from it
// (its error on standard error, exit 2), a "starting" log line with the
// configuration, then the service in the foreground until a signal
// (service_runner.h). Components that do more between these steps (the
// notifier, the auditor) spell them out.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/command_line.h"
#include "cli/component_config.h"
#include "common/config.h"
#include "common/log.h"
#include "common/observability/metrics_registry.h"
#include "common/service/service_runner.h"

namespace e911::cli {

// `setup` turns the Config into a Result of the options ComponentService is
// made from (with the metrics registry); `overrides` as for
// load_component_config. Returns the command's exit status.
template <typename ComponentService, typename Setup>
int run_configured_service(const CommandLine& command, std::string_view component, std::vector<ConfigKey> keys,
                           const std::vector<std::pair<const char*, const char*>>& overrides, const Setup& setup,
                           bool reload_on_sighup) {
  if (const auto done = command.early_exit()) return *done;
  auto config = load_component_config(command.options(), component, std::move(keys), overrides);
  if (!config) return 2;
  auto options = setup(*config);
  if (!options) return command.config_error(options.error().message);
  Logger(std::string(component)).info("starting", {{"config", config->to_log_json()}});
  return service::run_in_foreground(foreground_options(component, *config, reload_on_sighup),
                                     [&](observability::MetricsRegistry& metrics) {
                                       return std::make_unique<ComponentService>(*options, metrics);
                                     });
}

}  // namespace e911::cli
