#include "producers/ingest/xml_screen.h"

#include <array>
#include <vector>

#include "common/text.h"
#include "producers/ingest/byte_class.h"

namespace e911::ingest {
namespace {

// XML name characters as the screen accepts them (any non-ASCII byte
// included), as a table: every tag and attribute name is read through it.
constexpr ByteClass kNameChars = [] {
  ByteClass table = ascii_alnum_and("_:-.");
  for (int u = 0x80; u <= 0xff; ++u) table[u] = true;
  return table;
}();

bool is_name_char(char c) { return kNameChars[static_cast<unsigned char>(c)]; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class Screen {
 public:
  Screen(std::string_view xml, std::size_t max_depth) : s_(xml), max_depth_(max_depth) {}

  std::optional<std::string> run() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    bool root_seen = false;
    while (pos_ < s_.size()) {
      if (s_[pos_] != '<') {
        if (stack_.empty() && !is_space(s_[pos_])) return fail("text outside the root element");
        if (s_[pos_] == '&' && !reference()) return error_;
        ++pos_;
        continue;
      }
      if (starts("<?")) {
        if (!skip_to("?>")) return fail("unclosed processing instruction");
      } else if (starts("<!--")) {
        if (!skip_to("-->")) return fail("unclosed comment");
      } else if (starts("<![CDATA[")) {
        if (stack_.empty()) return fail("CDATA outside the root element");
        if (!skip_to("]]>")) return fail("unclosed CDATA section");
      } else if (starts("<!")) {
        return fail("DOCTYPE and other declarations are not allowed (no entity definitions)");
      } else if (starts("</")) {
        pos_ += 2;
        const auto name = read_name();
        if (name.empty()) return fail("a closing tag without a name");
        while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
        if (pos_ >= s_.size() || s_[pos_] != '>') return fail("unclosed tag </" + std::string(name));
        ++pos_;
        if (stack_.empty()) return fail("</" + std::string(name) + "> closes nothing");
        if (stack_.back() != name)
          return fail("</" + std::string(name) + "> closes <" + std::string(stack_.back()) + ">");
        stack_.pop_back();
      } else {
        if (root_seen && stack_.empty()) return fail("a second root element");
        ++pos_;
        const auto name = read_name();
        if (name.empty()) return fail("a '<' that starts no tag");
        if (!attributes()) return error_;
        if (s_[pos_] == '/') {
          pos_ += 2;  // "/>", checked by attributes()
        } else {
          ++pos_;
          if (stack_.size() == max_depth_) return fail("nested deeper than " + std::to_string(max_depth_));
          stack_.push_back(name);
        }
        root_seen = true;
      }
    }
    if (!stack_.empty()) return fail("<" + std::string(stack_.back()) + "> is never closed");
    if (!root_seen) return fail("no root element");
    return std::nullopt;
  }

 private:
  bool starts(std::string_view prefix) const { return s_.substr(pos_, prefix.size()) == prefix; }

  bool skip_to(std::string_view end) {
    const auto at = s_.find(end, pos_);
    if (at == std::string_view::npos) return false;
    pos_ = at + end.size();
    return true;
  }

  std::string_view read_name() {
    const auto start = pos_;
    while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // `&...;` at pos_: a predefined or numeric reference; pos_ is left on its ';'.
  bool reference() {
    const auto semi = s_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) return fail_bool("a '&' that starts no reference");
    const auto name = s_.substr(pos_ + 1, semi - pos_ - 1);
    const bool numeric = name.size() > 1 && name[0] == '#';
    if (!numeric && name != "amp" && name != "lt" && name != "gt" && name != "quot" && name != "apos")
      return fail_bool("entity &" + std::string(name) + "; is not defined (only the five predefined ones are)");
    pos_ = semi;
    return true;
  }

  // Attributes up to '>' or "/>"; pos_ is left on that '>' or '/'.
  bool attributes() {
    while (true) {
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size()) return fail_bool("unclosed tag");
      if (s_[pos_] == '>') return true;
      if (s_[pos_] == '/') {
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '>') return true;
        return fail_bool("'/' not followed by '>'");
      }
      if (read_name().empty()) return fail_bool("an attribute without a name");
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size() || s_[pos_] != '=') return fail_bool("an attribute without '='");
      ++pos_;
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) return fail_bool("an unquoted attribute value");
      const char quote = s_[pos_++];
      while (pos_ < s_.size() && s_[pos_] != quote) {
        if (s_[pos_] == '<') return fail_bool("'<' in an attribute value");
        if (s_[pos_] == '&' && !reference()) return false;
        ++pos_;
      }
      if (pos_ >= s_.size()) return fail_bool("unclosed attribute value");
      ++pos_;
    }
  }

  std::optional<std::string> fail(const std::string& what) {
    error_ = "not well-formed XML: " + what + " (offset " + std::to_string(pos_) + ")";
    return error_;
  }
  bool fail_bool(const std::string& what) {
    fail(what);
    return false;
  }

  std::string_view s_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
  std::vector<std::string_view> stack_;
  std::optional<std::string> error_;
};

}  // namespace

std::optional<std::string> xml_screen_error(std::string_view xml, std::size_t max_bytes, std::size_t max_depth) {
  if (xml.size() > max_bytes) return "larger than " + std::to_string(max_bytes) + " bytes";
  // Line ends and tabs are fine (a PIDF-LO is usually indented); a NUL and
  // bad UTF-8 are not.
  if (xml.find('\0') != std::string_view::npos) return std::string("a NUL byte");
  if (!is_valid_utf8(xml)) return std::string("not UTF-8");
  return Screen(xml, max_depth).run();
}

}  // namespace e911::ingest
