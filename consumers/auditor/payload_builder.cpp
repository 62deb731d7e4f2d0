#include "consumers/auditor/payload_builder.h"

#include <array>
#include <charconv>
#include <set>

#include "consumers/auditor/journal/canonical_json.h"

namespace e911::auditor {
namespace {

// Appends `v` as JSON that canonical_json() accepts: integers within
// +-(2^53-1) stay numbers; any other number becomes its shortest
// round-trip decimal text, as a string.
void append_value(std::string& out, const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      out += "null";
      return;
    case rapidjson::kFalseType:
      out += "false";
      return;
    case rapidjson::kTrueType:
      out += "true";
      return;
    case rapidjson::kStringType:
      append_canonical_string(out, std::string_view(v.GetString(), v.GetStringLength()));
      return;
    case rapidjson::kNumberType: {
      // Compared both ways rather than with llabs, whose result for the
      // most negative 64-bit integer is undefined.
      if (v.IsInt64() && v.GetInt64() >= -kCanonicalJsonMaxInteger && v.GetInt64() <= kCanonicalJsonMaxInteger) {
        out += std::to_string(v.GetInt64());
        return;
      }
      if (v.IsUint64() && v.GetUint64() <= static_cast<std::uint64_t>(kCanonicalJsonMaxInteger)) {
        out += std::to_string(v.GetUint64());
        return;
      }
      std::array<char, 64> buf{};
      const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v.GetDouble());
      append_canonical_string(out, std::string_view(buf.data(), static_cast<std::size_t>(r.ptr - buf.data())));
      return;
    }
    case rapidjson::kArrayType: {
      out += '[';
      bool first = true;
      for (const auto& item : v.GetArray()) {
        if (!first) out += ',';
        first = false;
        append_value(out, item);
      }
      out += ']';
      return;
    }
    case rapidjson::kObjectType: {
      out += '{';
      bool first = true;
      for (const auto& m : v.GetObject()) {
        if (!first) out += ',';
        first = false;
        append_canonical_string(out, std::string_view(m.name.GetString(), m.name.GetStringLength()));
        out += ':';
        append_value(out, m.value);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

Result<rapidjson::Document> parse_record_object(std::string_view text, const JsonLimits& limits) {
  rapidjson::Document doc;
  if (auto e = parse_json(text, limits, doc)) return *e;
  if (!doc.IsObject()) return Error{std::string("expected a JSON object, got ") + json_type_name(doc)};
  std::set<std::string_view> names;
  for (const auto& m : doc.GetObject()) {
    if (!names.insert(std::string_view(m.name.GetString(), m.name.GetStringLength())).second) {
      return Error{std::string(m.name.GetString(), m.name.GetStringLength()) + ": duplicate member"};
    }
  }
  return doc;
}

void PayloadBuilder::member(std::string_view name, const rapidjson::Value& v) {
  open(name);
  append_value(out_, v);
}

void PayloadBuilder::member(std::string_view name, std::string_view text) {
  open(name);
  append_canonical_string(out_, text);
}

void PayloadBuilder::member(std::string_view name, std::int64_t n) {
  open(name);
  out_ += std::to_string(n);
}

void PayloadBuilder::boolean(std::string_view name, bool b) {
  open(name);
  out_ += b ? "true" : "false";
}

void PayloadBuilder::raw(std::string_view name, std::string_view json) {
  open(name);
  out_ += json;
}

void PayloadBuilder::copy(const rapidjson::Value& doc, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (const auto it = doc.FindMember(n); it != doc.MemberEnd()) member(n, it->value);
  }
}

void PayloadBuilder::source(const SourceRecord& s) {
  std::string json;
  json += "{\"offset\":" + std::to_string(s.offset) + ",\"partition\":" + std::to_string(s.partition) + ",\"topic\":";
  append_canonical_string(json, s.topic);
  json += '}';
  raw("source", json);
}

Result<std::string> PayloadBuilder::finish() {
  out_ += '}';
  return canonical_json(out_);
}

void PayloadBuilder::open(std::string_view name) {
  out_ += out_.size() == 1 ? "" : ",";
  append_canonical_string(out_, name);
  out_ += ':';
}

}  // namespace e911::auditor
