#include "common/json_reader.h"

#include <rapidjson/error/en.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "common/text.h"
#include "common/utf8.h"

namespace e911 {
namespace {

// Bracket depth outside strings. Cheap, and it bounds the work the parser
// does on hostile "[[[[[..." input before any allocation.
int max_nesting(std::string_view text, int limit) {
  int depth = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const char c = *p++;
    if (c == '"') {
      // Skip the string: its closing quote is the first one preceded by an
      // even number of backslashes (memchr does the scanning).
      for (;;) {
        const auto* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
        if (!q) return depth;  // unterminated: the parser reports it
        std::size_t backslashes = 0;
        while (q - backslashes > p && q[-1 - static_cast<std::ptrdiff_t>(backslashes)] == '\\') ++backslashes;
        p = q + 1;
        if (backslashes % 2 == 0) break;
      }
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return depth;
}

// True if every byte is 7-bit ASCII (and so valid UTF-8), eight at a time.
bool is_ascii(std::string_view text) {
  const char* p = text.data();
  std::size_t n = text.size();
  std::uint64_t high = 0;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    high |= word;
  }
  for (; n > 0; ++p, --n) high |= static_cast<unsigned char>(*p);
  return (high & 0x8080808080808080ull) == 0;
}

// RapidJSON checks that an escaped high surrogate is followed by a low
// one, but decodes an escaped low surrogate on its own ("\udc00") into
// bytes that are not UTF-8, whatever the flags. A string holding them
// would travel on: the locator would write it into an emergency call that
// the notifier's parser then refuses, and no one would be alerted. Such
// escapes are rare, so only a document that may hold one ("\u" then 'd'
// or 'D': surrogates are U+D800 to U+DFFF) has its strings checked.
bool may_escape_surrogate(std::string_view text) {
  for (auto at = text.find("\\u"); at != std::string_view::npos; at = text.find("\\u", at + 2)) {
    if (at + 2 < text.size() && (text[at + 2] == 'd' || text[at + 2] == 'D')) return true;
  }
  return false;
}

// Whether every string of `v`, member names included, is UTF-8. The
// recursion is as deep as the document, which max_nesting has bounded.
bool strings_are_utf8(const rapidjson::Value& v) {
  if (v.IsString()) return utf8::valid(std::string_view(v.GetString(), v.GetStringLength()));
  if (v.IsArray()) {
    for (const auto& item : v.GetArray()) {
      if (!strings_are_utf8(item)) return false;
    }
  } else if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (!strings_are_utf8(m.name) || !strings_are_utf8(m.value)) return false;
    }
  }
  return true;
}

}  // namespace

std::optional<Error> parse_json(std::string_view text, const JsonLimits& limits, rapidjson::Document& doc) {
  if (text.size() > limits.max_bytes) {
    return Error{"payload too large: " + std::to_string(text.size()) + " bytes (limit " +
                 std::to_string(limits.max_bytes) + ")"};
  }
  if (text.empty() || trim(text).empty()) return Error{"empty payload"};
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    return Error{"NUL byte at offset " + std::to_string(static_cast<const char*>(nul) - text.data())};
  }
  if (max_nesting(text, limits.max_depth) > limits.max_depth) {
    return Error{"JSON nested deeper than " + std::to_string(limits.max_depth) + " levels"};
  }
  // Most events are plain ASCII, which is valid UTF-8 as it is: only the
  // others pay for the parser's per-character encoding validation.
  if (is_ascii(text)) {
    doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  } else {
    doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  }
  if (doc.HasParseError()) {
    return Error{std::string("invalid JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
                 rapidjson::GetParseError_En(doc.GetParseError())};
  }
  if (may_escape_surrogate(text) && !strings_are_utf8(doc)) {
    return Error{"invalid JSON: a string escapes a lone UTF-16 surrogate (\\udc00 without \\ud800 before it)"};
  }
  if (!doc.IsObject()) return Error{std::string("expected a JSON object, got ") + json_type_name(doc)};
  return std::nullopt;
}

std::optional<Error> parse_record(std::string_view text, const JsonLimits& limits, std::string_view schema,
                                  rapidjson::Document& doc) {
  if (auto e = parse_json(text, limits, doc)) return e;
  if (!doc.IsObject()) return Error{std::string("expected a JSON object, got ") + json_type_name(doc)};
  FieldReader r(doc, "", limits);
  std::string got;
  if (r.required_string("schema", got) && got != schema) {
    r.fail("schema", "expected \"" + std::string(schema) + "\", got " + quote_for_message(got));
  }
  return r.error();
}

const char* json_type_name(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "boolean";
    case rapidjson::kObjectType: return "object";
    case rapidjson::kArrayType: return "array";
    case rapidjson::kStringType: return "string";
    case rapidjson::kNumberType: return "number";
  }
  return "unknown";
}

std::string FieldReader::path_of(std::string_view name) const {
  return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

bool FieldReader::fail(std::string_view name, std::string_view what) {
  if (!error_) error_ = Error{path_of(name) + ": " + std::string(what)};
  return false;
}

const rapidjson::Value* FieldReader::find(const char* name) const {
  const auto it = object_.FindMember(name);
  return it == object_.MemberEnd() ? nullptr : &it->value;
}

bool FieldReader::read_string(const rapidjson::Value& v, const char* name, std::string& out) {
  if (!v.IsString()) return fail(name, std::string("expected a string, got ") + json_type_name(v));
  const std::string_view s(v.GetString(), v.GetStringLength());
  if (s.size() > limits_.max_string) {
    return fail(name, "string too long: " + std::to_string(s.size()) + " bytes (limit " +
                          std::to_string(limits_.max_string) + ")");
  }
  // Escaped control characters (\u0000 and friends) pass the JSON parser;
  // free text and PIDF-LO may carry line breaks and tabs, nothing else.
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
      return fail(name, "contains control characters");
    }
  }
  out.assign(s);
  return true;
}

bool FieldReader::required_string(const char* name, std::string& out) {
  if (error_) return false;
  const auto* v = find(name);
  if (!v) return fail(name, "missing");
  if (!read_string(*v, name, out)) return false;
  if (trim(out).empty()) return fail(name, "empty");
  return true;
}

bool FieldReader::optional_string(const char* name, std::string& out) {
  if (error_) return false;
  const auto* v = find(name);
  if (!v || v->IsNull()) return true;
  return read_string(*v, name, out);
}

bool FieldReader::optional_bool(const char* name, bool& out) {
  if (error_) return false;
  const auto* v = find(name);
  if (!v || v->IsNull()) return true;
  if (!v->IsBool()) return fail(name, std::string("expected a boolean, got ") + json_type_name(*v));
  out = v->GetBool();
  return true;
}

bool FieldReader::optional_number(const char* name, double& out, bool& present) {
  present = false;
  if (error_) return false;
  const auto* v = find(name);
  if (!v || v->IsNull()) return true;
  if (!v->IsNumber()) return fail(name, std::string("expected a number, got ") + json_type_name(*v));
  out = v->GetDouble();
  if (!std::isfinite(out)) return fail(name, "not a finite number");
  present = true;
  return true;
}

const rapidjson::Value* FieldReader::optional_object(const char* name) {
  if (error_) return nullptr;
  const auto* v = find(name);
  if (!v || v->IsNull()) return nullptr;
  if (!v->IsObject()) {
    fail(name, std::string("expected an object, got ") + json_type_name(*v));
    return nullptr;
  }
  return v;
}

const rapidjson::Value* FieldReader::required_object(const char* name) {
  if (error_) return nullptr;
  const auto* v = find(name);
  if (!v) {
    fail(name, "missing");
    return nullptr;
  }
  if (v->IsNull()) {
    fail(name, "expected an object, got null");
    return nullptr;
  }
  return optional_object(name);
}

}  // namespace e911
