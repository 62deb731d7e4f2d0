#pragma once
// What the auditors' answers (call_rendering.h, registration_rendering.h)
// write the same way: a JSON member whose unknown value is null, and text
// for a terminal. Pure.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <string_view>

namespace e911::auditor {

using JsonOut = rapidjson::Writer<rapidjson::StringBuffer>;

// "name": the text, or null when it is empty (not known).
inline void text_or_null(JsonOut& w, const char* name, std::string_view value) {
  w.Key(name);
  if (value.empty()) {
    w.Null();
  } else {
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
}

// "name": true / false, or null when not known.
inline void bool_or_null(JsonOut& w, const char* name, const std::optional<bool>& value) {
  w.Key(name);
  if (value) {
    w.Bool(*value);
  } else {
    w.Null();
  }
}

// Text for a terminal: control characters (line breaks, escape sequences)
// become spaces, so a hostile name cannot forge a line or drive the
// terminal.
inline std::string tty_text(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

}  // namespace e911::auditor
