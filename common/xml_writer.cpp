#include "common/xml_writer.h"

#include <cstdint>

#include "common/utf8.h"

namespace e911::xml {
namespace {

bool is_xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
         (cp >= 0x10000 && cp <= 0x10ffff);
}

}  // namespace

// The writer escapes markup but copies bytes: a control character or a
// broken UTF-8 sequence would make the whole document unparseable (losing
// a location). Such bytes become U+FFFD instead.
std::string clean_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto d = utf8::decode(s, i);
    if (d.valid && is_xml_char(d.code_point)) {  // no overlong forms, surrogates or controls
      out.append(s.substr(i, d.size));
      i += d.size;
    } else {
      utf8::append(out, utf8::kReplacement);
      ++i;
    }
  }
  return out;
}

}  // namespace e911::xml
