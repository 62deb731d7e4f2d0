#pragma once
// The audit console's stylesheet and script (assets/), built into the
// binary (cmake/embed_files.cmake): the console loads nothing from
// anywhere else.

#include <optional>
#include <string_view>

namespace e911::auditor::console {

struct ConsoleAsset {
  std::string_view content_type;
  std::string_view body;
};

// The asset a path under /console/assets/ names ("console.css"), if any.
std::optional<ConsoleAsset> console_asset(std::string_view name);

}  // namespace e911::auditor::console
