#include "consumers/auditor/journal/canonical_json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace e911::auditor {
namespace {

std::string canon(std::string_view json) {
  auto r = canonical_json(json);
  EXPECT_TRUE(r.ok()) << json << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::string();
}

std::string refusal(std::string_view json) {
  auto r = canonical_json(json);
  EXPECT_FALSE(r.ok()) << "accepted: " << json.substr(0, 80);
  return r.ok() ? std::string() : r.error().message;
}

TEST(CanonicalJson, SortsMembersAndDropsWhitespace) {
  EXPECT_EQ(canon(R"( { "b" : 1 , "a" : [ 3 , { "z" : null , "y" : true } , false ] , "c" : {} } )"),
            R"({"a":[3,{"y":true,"z":null},false],"b":1,"c":{}})");
  EXPECT_EQ(canon("[ ]"), "[]");
  EXPECT_EQ(canon("\t\r\n\"x\" "), "\"x\"");
  EXPECT_EQ(canon("true"), "true");
  // Array order is data, not presentation.
  EXPECT_EQ(canon("[3,1,2]"), "[3,1,2]");
  // Names compare by code units, not by length or case.
  EXPECT_EQ(canon(R"({"ab":1,"a":2,"B":3,"_":4,"":5})"), R"({"":5,"B":3,"_":4,"a":2,"ab":1})");
}

TEST(CanonicalJson, SortsNonAsciiNamesByUtf16CodeUnits) {
  // RFC 8785 section 3.2.3: U+1F600 (a surrogate pair, D83D DE00) sorts
  // before U+FB33, although its UTF-8 bytes (F0 ...) sort after (EF ...).
  const std::string input =
      R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",)"
      R"("\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"})";
  const std::string expected =
      "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
      "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
      "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\",\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}";
  EXPECT_EQ(canon(input), expected);
  // The same names written as raw UTF-8 give the same result.
  EXPECT_EQ(canon(expected), expected);
}

TEST(CanonicalJson, EscapesStringsMinimally) {
  EXPECT_EQ(canon(R"("\u0041\u00e9\/\"\\")"), "\"A\xC3\xA9/\\\"\\\\\"");
  EXPECT_EQ(canon(R"("\b\f\n\r\t")"), R"("\b\f\n\r\t")");
  EXPECT_EQ(canon(R"("\u0008\u000C\u000a")"), R"("\b\f\n")");
  // Other controls as \u00xx, lower-case hex; DEL and U+2028 as they are.
  EXPECT_EQ(canon(R"("\u0000\u001F\u000B\u007f\u2028")"), "\"\\u0000\\u001f\\u000b\x7F\xE2\x80\xA8\"");
  // RFC 8785 section 3.2.2.2's example string.
  EXPECT_EQ(canon(R"("\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/")"),
            "\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"");
}

TEST(CanonicalJson, IntegersOnly) {
  EXPECT_EQ(canon("[0,-0,1,-1,42,9007199254740991,-9007199254740991]"),
            "[0,0,1,-1,42,9007199254740991,-9007199254740991]");
  for (const char* n : {"1.5", "1.0", "1e3", "1E3", "-0.0", "0.1e1"}) {
    EXPECT_NE(refusal(std::string("{\"n\":") + n + "}").find("not an integer"), std::string::npos) << n;
  }
  for (const char* n : {"9007199254740992", "-9007199254740992", "12345678901234567890", "1000000000000000000000000"}) {
    EXPECT_NE(refusal(std::string("[") + n + "]").find("outside"), std::string::npos) << n;
  }
  // Not JSON numbers at all.
  for (const char* n : {"01", "+1", "NaN", "Infinity", "-", "0x10", ".5"}) refusal(std::string("[") + n + "]");
}

TEST(CanonicalJson, RefusesDuplicateNames) {
  EXPECT_NE(refusal(R"({"a":1,"b":2,"a":3})").find("duplicate member name \"a\""), std::string::npos);
  // The same name spelt two ways is still the same name.
  refusal(R"({"a":1,"\u0061":2})");
  refusal(R"({"\u00e9":1,"é":2})");
  refusal(R"({"x":[{"k":1,"k":1}]})");
  // Different names that share a prefix, or differ only in case, are fine.
  EXPECT_EQ(canon(R"({"a":1,"A":2,"aa":3})"), R"({"A":2,"a":1,"aa":3})");
}

TEST(CanonicalJson, RefusesInvalidUtf8) {
  for (const std::string& bad : {
           std::string("\"\xFF\""),                  // never valid
           std::string("\"\xC0\xAF\""),              // overlong '/'
           std::string("\"\xE0\x80\xAF\""),          // overlong
           std::string("\"\xED\xA0\x80\""),          // UTF-8-encoded surrogate
           std::string("\"\xF4\x90\x80\x80\""),      // past U+10FFFF
           std::string("\"\xC3\""),                  // truncated sequence
           std::string("{\"\xE9t\xE9\":1}"),         // Latin-1 name
           std::string("\"\\udc00\""),               // escaped lone low surrogate
           std::string("\"\\ud800\""),               // escaped lone high surrogate
           std::string("\"\\ud800\\u0041\""),        // high surrogate, then not a low one
       }) {
    refusal(bad);
  }
}

TEST(CanonicalJson, RefusesHostileInput) {
  // Depth: 32 levels are fine, 33 are not.
  EXPECT_EQ(canon(std::string(32, '[') + std::string(32, ']')), std::string(32, '[') + std::string(32, ']'));
  EXPECT_NE(refusal(std::string(33, '[') + std::string(33, ']')).find("deeper than 32"), std::string::npos);
  std::string objects;
  for (int i = 0; i < 33; ++i) objects += "{\"a\":";
  objects += "1" + std::string(33, '}');
  refusal(objects);
  // A megabyte of brackets is refused quickly, without recursion.
  const auto start = std::chrono::steady_clock::now();
  refusal(std::string(kCanonicalJsonMaxBytes, '['));
  refusal(std::string(kCanonicalJsonMaxBytes + 1, ' '));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));

  refusal("");
  refusal("   ");
  refusal("{");
  refusal("{\"a\":1");
  refusal("{\"a\" 1}");
  refusal("{\"a\":1,}");
  refusal("[1,]");
  refusal("{} x");
  refusal("{}{}");
  refusal("\"unterminated");
  refusal("\"raw\ncontrol\"");
  refusal("\"bad \\x escape\"");
  refusal("{'a':1}");
  refusal("{a:1}");
  refusal("[1] // comment");
  refusal("\xEF\xBB\xBF{}");  // a byte-order mark is not JSON
  EXPECT_NE(refusal(std::string("{\"a\":1}\0{}", 10)).find("NUL byte at offset 7"), std::string::npos);
  refusal(std::string("\"a\0b\"", 5));
  // An escaped NUL inside a string is data, and kept.
  EXPECT_EQ(canon(R"(["a\u0000b"])"), R"(["a\u0000b"])");
}

// Random documents: any member order and whitespace give one canonical
// form, and the canonical form is a fixed point.
class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  // A value as (canonical text, some other spelling of it).
  std::pair<std::string, std::string> value(int depth) {
    const int kind = static_cast<int>(pick(depth > 3 ? 5 : 7));
    switch (kind) {
      case 0: return {"null", ws() + "null" + ws()};
      case 1: return {"true", "true"};
      case 2: {
        const long long n = static_cast<long long>(rng_() % 2000001) - 1000000;
        return {std::to_string(n), std::to_string(n)};
      }
      case 3:
      case 4: {
        const std::string s = text();
        std::string plain;
        append_canonical_string(plain, s);
        return {plain, escaped(s)};
      }
      case 5: {
        std::string a = "[", b = "[" + ws();
        const auto n = pick(4);
        for (std::size_t i = 0; i < n; ++i) {
          auto [c, o] = value(depth + 1);
          a += (i ? "," : "") + c;
          b += (i ? "," + ws() : "") + o;
        }
        return {a + "]", b + ws() + "]"};
      }
      default: {
        std::vector<std::string> names;
        const auto n = pick(5);
        while (names.size() < n) {
          auto name = text();
          if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        }
        std::vector<std::pair<std::string, std::pair<std::string, std::string>>> members;
        for (const auto& name : names) members.push_back({name, value(depth + 1)});
        std::shuffle(members.begin(), members.end(), rng_);
        std::string other = "{" + ws();
        for (std::size_t i = 0; i < members.size(); ++i) {
          other += (i ? "," + ws() : "") + escaped(members[i].first) + ws() + ":" + ws() + members[i].second.second;
        }
        // The canonical text: sorted by UTF-16 code units. For the
        // characters text() uses (all in the BMP below U+D800, or astral),
        // compare as UTF-16 by hand.
        std::sort(members.begin(), members.end(),
                  [](const auto& x, const auto& y) { return utf16(x.first) < utf16(y.first); });
        std::string canonical = "{";
        for (std::size_t i = 0; i < members.size(); ++i) {
          std::string name;
          append_canonical_string(name, members[i].first);
          canonical += (i ? "," : "") + name + ":" + members[i].second.first;
        }
        return {canonical + "}", other + ws() + "}"};
      }
    }
  }

 private:
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  std::string ws() {
    static const char* kSpaces[] = {"", "", " ", "\n", "\t ", "\r\n  "};
    return kSpaces[pick(6)];
  }
  // Short strings from a mix of ASCII, controls, Latin-1, BMP above U+E000
  // and an astral character.
  std::string text() {
    static const char* kPieces[] = {"a", "b", "Z", "1", "\"", "\\", "/", "\n", "\x01", "\x7F", "\xC3\xA9",
                                    "\xE2\x82\xAC", "\xEF\xAC\xB3", "\xEF\xBF\xBD", "\xF0\x9F\x98\x80"};
    std::string s;
    const auto n = pick(4);
    for (std::size_t i = 0; i < n; ++i) s += kPieces[pick(std::size(kPieces))];
    return s;
  }
  // `s` as a JSON string with some characters \u-escaped.
  std::string escaped(const std::string& s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == '"' || c == '\\') out += std::string("\\") + s[i];
      else if (c < 0x20) out += "\\u00" + std::string(c < 0x10 ? "0" : "1") + "0123456789ABCDEF"[c & 0xF];
      else if (c == 'a' && pick(2)) out += "\\u0061";
      else if (c == '/' && pick(2)) out += "\\/";
      else out += s[i];
    }
    return out + "\"";
  }
  static std::u16string utf16(const std::string& s) {
    std::u16string out;
    for (std::size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
      for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
      i += len;
      if (cp >= 0x10000) {
        out += static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10));
        out += static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else {
        out += static_cast<char16_t>(cp);
      }
    }
    return out;
  }
  std::mt19937 rng_;
};

TEST(CanonicalJson, IsIdempotentAndIgnoresPresentation) {
  Generator gen(20261121);
  for (int i = 0; i < 2000; ++i) {
    const auto [canonical, other] = gen.value(0);
    const auto once = canon(other);
    ASSERT_EQ(once, canonical) << other;
    ASSERT_EQ(canon(once), once);
  }
  for (const char* fixed : {R"({"b":[1,{"d":2,"c":3}],"a":"\u00e9"})", "[[[]]]", "\"\"", "-0"}) {
    const auto once = canon(fixed);
    EXPECT_EQ(canon(once), once) << fixed;
  }
}

}  // namespace
}  // namespace e911::auditor
