#pragma once
// Reads and validates a registry YAML file. Every problem is reported with
// its line and column and the path of the offending entry, so an admin can
// fix a file before deploying it (`e911 registry check`).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "registry/registry.h"

namespace e911::registry {

struct Diagnostic {
  int line = 0;    // 1-based; 0 when not tied to a line
  int column = 0;  // 1-based
  std::string path;  // "sites[london-hq].zones[london-l4].subnets[0]"
  std::string message;
};

// "registry.yaml:42:7: sites[london-hq].subnets[0]: not an IP prefix: ..."
std::string format_diagnostic(std::string_view file, const Diagnostic& d);

struct RegistryLoad {
  std::shared_ptr<const Registry> registry;  // null when there are errors
  std::vector<Diagnostic> errors;
  bool ok() const { return registry != nullptr; }
};

// Parses YAML text; pure apart from checking that a site's time zone exists
// in the system's zoneinfo.
RegistryLoad load_registry(std::string_view yaml_text);
// Reads the file, then load_registry. A missing file is an error diagnostic.
RegistryLoad load_registry_file(const std::string& path);

}  // namespace e911::registry
