#include "consumers/auditor/console/console_assets.h"

#include "consumers/auditor/console/console_assets_data.h"  // generated from assets/ (CMakeLists.txt)

namespace e911::auditor::console {

std::optional<ConsoleAsset> console_asset(std::string_view name) {
  if (name == "console.css") return ConsoleAsset{"text/css; charset=utf-8", assets_data::console_css};
  if (name == "console.js") return ConsoleAsset{"text/javascript; charset=utf-8", assets_data::console_js};
  return std::nullopt;
}

}  // namespace e911::auditor::console
