#pragma once
// What a component's `--config` makes of a configuration, for the config
// tests: the YAML written to e911.yaml in a test's folder, loaded with the
// component's own keys, then given to the component's setup; an error of
// either step is the result's error.

#include <string>
#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "tests/support/temp_dir.h"

namespace e911::test {

template <typename Options>
Result<Options> component_setup(const TempDir& dir, const std::string& yaml, const std::vector<ConfigKey>& keys,
                                Result<Options> (*setup)(const Config&)) {
  ConfigLoadOptions load;
  load.file = dir.write("e911.yaml", yaml);
  load.extra_keys = keys;
  auto config = Config::load(load);
  if (!config.ok()) return config.error();
  return setup(*config);
}

}  // namespace e911::test
