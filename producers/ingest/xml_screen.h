#pragma once
// A quick safety screen for XML the ingest passes on (the PIDF-LO an
// endpoint conveys): well-formed as far as structure goes (one root
// element, tags that match, quoted attributes, comments, processing
// instructions and CDATA closed), no DOCTYPE (so no entity definitions, no
// external entities), only the predefined and numeric entity references,
// nesting and size bounded, clean UTF-8. It reads each byte once and builds
// nothing. The locator parses the document fully (common/pidf_lo.h) and
// still refuses what this lets through; the screen keeps what is plainly
// not XML, or hostile, out of the call event with a reason, at a fraction
// of a DOM parse's cost.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace e911::ingest {

inline constexpr std::size_t kMaxXmlDepth = 32;

// nullopt when `xml` passes; otherwise what is wrong and where ("not
// well-formed: </gp:geopriv> closes <ca:civicAddress> (offset 312)").
std::optional<std::string> xml_screen_error(std::string_view xml, std::size_t max_bytes,
                                            std::size_t max_depth = kMaxXmlDepth);

}  // namespace e911::ingest
