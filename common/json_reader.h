#pragma once
// Safe JSON input: size, depth, NUL and UTF-8 checks before and during the
// parse, and a field reader whose errors name the field by its path
// ("device.ip: not an IP address: \"10.40.1.999\"").
//
// RapidJSON is the parser (see docs/decisions/0002-json-library.md): it
// parses iteratively, so hostile nesting cannot overflow the stack.

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace e911 {

struct JsonLimits {
  std::size_t max_bytes = 64 * 1024;  // one event; an emergency call is < 4 KiB
  int max_depth = 16;                 // our formats nest 3 deep
  std::size_t max_string = 16 * 1024; // PIDF-LO documents are the longest strings
};

// Parses `text` into `doc` (which the caller may reuse). On failure says
// what and at which byte offset.
std::optional<Error> parse_json(std::string_view text, const JsonLimits& limits, rapidjson::Document& doc);

const char* json_type_name(const rapidjson::Value& v);

// Parses `text` into `doc` as a record of `schema`: a JSON object whose
// "schema" field is exactly that. On failure says what is wrong and where.
std::optional<Error> parse_record(std::string_view text, const JsonLimits& limits, std::string_view schema,
                                  rapidjson::Document& doc);

// The member `name` of `object`, or nullptr when absent or when `object` is
// not an object.
inline const rapidjson::Value* find_member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// Reads typed fields of one JSON object. The first problem is kept; later
// reads after an error are no-ops that return false.
class FieldReader {
 public:
  FieldReader(const rapidjson::Value& object, std::string path, const JsonLimits& limits)
      : object_(object), path_(std::move(path)), limits_(limits) {}

  bool required_string(const char* name, std::string& out);
  bool optional_string(const char* name, std::string& out);
  bool optional_bool(const char* name, bool& out);
  // Reads a finite number; `present` tells whether the field was there.
  bool optional_number(const char* name, double& out, bool& present);
  // nullptr when absent (or on error: check ok()).
  const rapidjson::Value* optional_object(const char* name);
  const rapidjson::Value* required_object(const char* name);

  // Records an error about `name` (a field of this object).
  bool fail(std::string_view name, std::string_view what);
  std::string path_of(std::string_view name) const;

  bool ok() const { return !error_; }
  const std::optional<Error>& error() const { return error_; }
  const JsonLimits& limits() const { return limits_; }

 private:
  const rapidjson::Value* find(const char* name) const;
  bool read_string(const rapidjson::Value& v, const char* name, std::string& out);

  const rapidjson::Value& object_;
  std::string path_;
  const JsonLimits& limits_;
  std::optional<Error> error_;
};

}  // namespace e911
