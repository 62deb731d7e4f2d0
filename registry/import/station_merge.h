#pragma once
// Writing imported stations into a registry file (`e911 registry
// import-pureconnect`, docs/registry.md): the `stations:` section alone, or
// the whole registry with the stations added, its text and comments kept.
// Pure, no I/O.

#include <string>
#include <string_view>
#include <vector>

#include "registry/registry.h"
#include "registry/registry_loader.h"

namespace e911::registry {

// The `stations:` section, one flow mapping per station (mac, extension,
// site, zone, room, name), emitted with YAML::Emitter:
//   stations:
//     - {mac: "00:04:f2:1a:20:01", extension: "5002", site: "london-hq", ...}
std::string stations_yaml(const std::vector<Station>& stations);

struct MergeResult {
  std::string yaml;                // the whole registry with the stations added
  bool comments_preserved = false; // false: re-emitted from the parsed tree (comments lost)
  std::vector<Diagnostic> errors;  // load_registry's verdict on the result; empty when it loads
  bool ok() const { return errors.empty(); }
};

// Adds `stations` to the top-level `stations:` list of `registry_yaml` (a
// registry that loads). The text is kept as written, comments included,
// and the entries are appended after the existing ones (or a `stations:`
// section is added at the end); if that is not possible for the file's
// layout, the registry is re-emitted from its parsed tree. Either way the
// result is loaded again with load_registry and must hold exactly the old
// stations followed by the new ones. `source` names the CSV in a comment.
MergeResult merge_stations(std::string_view registry_yaml, const std::vector<Station>& stations,
                           std::string_view source = "");

}  // namespace e911::registry
