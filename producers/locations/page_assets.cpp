#include "producers/locations/page_assets.h"

#include "producers/locations/page_assets_data.h"  // generated from page/ (CMakeLists.txt)

namespace e911::locations {

std::optional<PageAsset> page_asset(std::string_view path) {
  if (path == "/" || path == "/index.html") return PageAsset{"text/html; charset=utf-8", page_data::index_html};
  if (path == "/page.js") return PageAsset{"text/javascript; charset=utf-8", page_data::page_js};
  if (path == "/page.css") return PageAsset{"text/css; charset=utf-8", page_data::page_css};
  if (path == "/favicon.svg") return PageAsset{"image/svg+xml", page_data::favicon_svg};
  return std::nullopt;
}

}  // namespace e911::locations
