#pragma once
// The page employees use (producers/locations/page/: HTML, CSS, script),
// built into the binary so the service needs no files and the page loads
// nothing from elsewhere (locations_api.h's Content-Security-Policy).

#include <optional>
#include <string_view>

namespace e911::locations {

struct PageAsset {
  std::string_view content_type;
  std::string_view body;
};

// "/" (the page), "/page.js", "/page.css", "/favicon.svg"; nullopt for any
// other path.
std::optional<PageAsset> page_asset(std::string_view path);

}  // namespace e911::locations
