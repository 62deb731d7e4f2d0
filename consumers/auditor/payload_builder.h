#pragma once
// How a consumed record becomes the canonical JSON payload of a journal
// entry (audit_record.h, registration_record.h): the record parsed as one
// JSON object, then chosen members copied into a payload with the
// auditor's "source" (the Kafka record it came from). Pure.
//
// Numbers that are not integers within canonical JSON's range (geo
// coordinates, uncertainty) are kept as their shortest round-trip decimal
// text, as strings: canonical JSON carries integers only, and a newer
// producer's number must not make a record impossible to journal.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "common/json_reader.h"
#include "common/result.h"

namespace e911::auditor {

// The Kafka record an entry came from.
struct SourceRecord {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

// `text` as one JSON object within `limits`; a member named twice at the
// top level is refused ("call_id: duplicate member"): which of two values
// would count is the parser's choice. (Nested objects are copied whole and
// canonical_json() refuses theirs.)
Result<rapidjson::Document> parse_record_object(std::string_view text, const JsonLimits& limits);

// A payload object built member by member (any order: finish() sorts).
class PayloadBuilder {
 public:
  void member(std::string_view name, const rapidjson::Value& v);
  void member(std::string_view name, std::string_view text);
  void member(std::string_view name, std::int64_t n);
  void boolean(std::string_view name, bool b);  // not an overload: a string literal would convert to bool
  // `json` must be a JSON value canonical_json() accepts.
  void raw(std::string_view name, std::string_view json);
  // Members of `doc` named in `names`, when present.
  void copy(const rapidjson::Value& doc, std::initializer_list<const char*> names);
  // "source": {"offset","partition","topic"}.
  void source(const SourceRecord& s);
  // The canonical JSON of what was built. Input checked by the JSON parser
  // and its limits fails only for what canonical JSON refuses beyond them
  // (duplicate member names in a nested object).
  Result<std::string> finish();

 private:
  void open(std::string_view name);
  std::string out_ = "{";
};

}  // namespace e911::auditor
