#include "consumers/auditor/journal/canonical_json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

#include "common/text.h"

namespace e911::auditor {
namespace {

struct Node {
  enum class Type : unsigned char { null, is_false, is_true, number, string, array, object };
  Type type = Type::null;
  std::string text;               // a string's bytes, a number's canonical digits
  std::vector<Node> children;     // array items, or object member values
  std::vector<std::string> names; // object member names, parallel to children
};

// UTF-16 code units of (already validated) UTF-8: the order RFC 8785 sorts
// member names in.
std::u16string utf16_of(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    std::size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if (c < 0xE0) {
      cp = c & 0x1F;
      len = 2;
    } else if (c < 0xF0) {
      cp = c & 0x0F;
      len = 3;
    } else {
      cp = c & 0x07;
      len = 4;
    }
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
  }
  return out;
}

// The number as canonical_json() writes it, or why it is refused. `raw` is
// the number's text as it appeared in valid JSON.
bool canonical_integer(std::string_view raw, std::string& out, std::string& why) {
  const bool negative = !raw.empty() && raw.front() == '-';
  const std::string_view digits = negative ? raw.substr(1) : raw;
  const bool integer = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!integer) {
    why = "number " + quote_for_message(raw, 40) + " is not an integer (canonical JSON here takes integers only)";
    return false;
  }
  // JSON forbids leading zeros, so the digit count bounds the value.
  bool in_range = digits.size() <= 16;
  if (in_range && digits.size() == 16) {
    long long v = 0;
    for (char c : digits) v = v * 10 + (c - '0');
    in_range = v <= kCanonicalJsonMaxInteger;
  }
  if (!in_range) {
    why = "integer " + quote_for_message(raw, 40) + " is outside +/-(2^53 - 1)";
    return false;
  }
  out = digits == "0" ? std::string("0") : std::string(raw);
  return true;
}

// Builds the tree from the reader's events, checking as it goes.
class Builder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Builder> {
 public:
  // With kParseNumbersAsStringsFlag every number arrives through
  // RawNumber(); anything else reaching Default() is unexpected.
  bool Default() { return fail("unexpected JSON event"); }

  bool Null() { return add(Node{Node::Type::null, {}, {}, {}}); }
  bool Bool(bool b) { return add(Node{b ? Node::Type::is_true : Node::Type::is_false, {}, {}, {}}); }

  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    std::string text, why;
    if (!canonical_integer(std::string_view(s, n), text, why)) return fail(why);
    return add(Node{Node::Type::number, std::move(text), {}, {}});
  }

  bool String(const char* s, rapidjson::SizeType n, bool) {
    const std::string_view v(s, n);
    if (!is_valid_utf8(v)) return fail("string " + quote_for_message(v, 40) + " is not valid UTF-8");
    return add(Node{Node::Type::string, std::string(v), {}, {}});
  }

  bool Key(const char* s, rapidjson::SizeType n, bool) {
    const std::string_view v(s, n);
    if (!is_valid_utf8(v)) return fail("member name " + quote_for_message(v, 40) + " is not valid UTF-8");
    pending_name_.assign(v);
    return true;
  }

  bool StartObject() { return open(Node::Type::object); }
  bool StartArray() { return open(Node::Type::array); }
  bool EndArray(rapidjson::SizeType) {
    stack_.pop_back();
    return true;
  }

  bool EndObject(rapidjson::SizeType) {
    Node& object = *stack_.back();
    stack_.pop_back();
    const std::size_t n = object.names.size();
    if (n < 2) return true;
    std::vector<std::u16string> keys;
    keys.reserve(n);
    for (const auto& name : object.names) keys.push_back(utf16_of(name));
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    for (std::size_t i = 1; i < n; ++i) {
      if (keys[order[i]] == keys[order[i - 1]]) {
        return fail("duplicate member name " + quote_for_message(object.names[order[i]], 40));
      }
    }
    std::vector<Node> children;
    std::vector<std::string> names;
    children.reserve(n);
    names.reserve(n);
    for (std::size_t i : order) {
      children.push_back(std::move(object.children[i]));
      names.push_back(std::move(object.names[i]));
    }
    object.children = std::move(children);
    object.names = std::move(names);
    return true;
  }

  Node& root() { return root_; }
  const std::string& error() const { return error_; }

 private:
  bool fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }

  bool add(Node node) {
    append(std::move(node));
    return true;
  }

  Node* append(Node node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return &root_;
    }
    Node& parent = *stack_.back();
    if (parent.type == Node::Type::object) parent.names.push_back(std::move(pending_name_));
    parent.children.push_back(std::move(node));
    return &parent.children.back();
  }

  bool open(Node::Type type) {
    if (stack_.size() >= static_cast<std::size_t>(kCanonicalJsonMaxDepth)) {
      return fail("JSON nested deeper than " + std::to_string(kCanonicalJsonMaxDepth) + " levels");
    }
    // A container's pointer stays valid while it is open: only the
    // innermost open container gains children.
    stack_.push_back(append(Node{type, {}, {}, {}}));
    return true;
  }

  Node root_;
  std::vector<Node*> stack_;
  std::string pending_name_;
  std::string error_;
};

void emit(const Node& node, std::string& out) {
  switch (node.type) {
    case Node::Type::null: out += "null"; return;
    case Node::Type::is_false: out += "false"; return;
    case Node::Type::is_true: out += "true"; return;
    case Node::Type::number: out += node.text; return;
    case Node::Type::string: append_canonical_string(out, node.text); return;
    case Node::Type::array:
      out += '[';
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (i) out += ',';
        emit(node.children[i], out);  // depth is bounded by the parse
      }
      out += ']';
      return;
    case Node::Type::object:
      out += '{';
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (i) out += ',';
        append_canonical_string(out, node.names[i]);
        out += ':';
        emit(node.children[i], out);
      }
      out += '}';
      return;
  }
}

}  // namespace

void append_canonical_string(std::string& out, std::string_view utf8) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

Result<std::string> canonical_json(std::string_view json) {
  if (json.size() > kCanonicalJsonMaxBytes) {
    return Error{"JSON too large: " + std::to_string(json.size()) + " bytes (limit " +
                 std::to_string(kCanonicalJsonMaxBytes) + ")"};
  }
  // The reader takes NUL for the end of input: a NUL byte would hide
  // whatever follows it.
  if (const void* nul = std::memchr(json.data(), '\0', json.size())) {
    return Error{"NUL byte at offset " + std::to_string(static_cast<const char*>(nul) - json.data())};
  }
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseNumbersAsStringsFlag;
  // The bare MemoryStream, not EncodedInputStream: that one would skip a
  // byte-order mark, which is not JSON.
  rapidjson::MemoryStream input(json.data(), json.size());
  rapidjson::Reader reader;
  Builder builder;
  const rapidjson::ParseResult parsed = reader.Parse<kFlags>(input, builder);
  if (!parsed) {
    if (!builder.error().empty()) return Error{builder.error()};
    return Error{"invalid JSON at offset " + std::to_string(parsed.Offset()) + ": " +
                 rapidjson::GetParseError_En(parsed.Code())};
  }
  std::string out;
  out.reserve(json.size());
  emit(builder.root(), out);
  return out;
}

}  // namespace e911::auditor
