#pragma once
// Writing the project's XML documents (the PIDF-LO, HELD answers) straight
// into a string. Pure; one Writer per document, not shared between threads.
//
// Always well-formed UTF-8 whatever the values hold: markup is escaped,
// and bytes XML cannot carry (invalid UTF-8, control characters) become
// U+FFFD (clean_text). Namespaces are declared where the caller says
// (usually all on the root, as the RFC examples do); the namespace URI
// arguments of start() and end() only document which vocabulary an
// element comes from.
//
// Poco's XMLWriter did the same through a stream and a per-element
// attribute map at about 20 us a PIDF-LO, which dominated the locator's
// per-call cost: the methods here are inline for that reason.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace e911::xml {

// `s` with every byte sequence that is not a valid XML character (broken
// UTF-8, overlong forms, surrogates, C0 controls but tab, LF and CR)
// replaced by U+FFFD.
std::string clean_text(std::string_view s);

struct Attribute {
  const char* name = nullptr;  // nullptr: no attribute
  std::string value;
};

inline Attribute attribute(const char* name, std::string_view value) { return {name, std::string(value)}; }

class Writer {
 public:
  Writer() { out_.reserve(2048); }

  void declaration() { out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"; }
  void start(const char* /*uri*/, std::string_view prefix, std::string_view local, const Attribute& attr = {},
             std::initializer_list<std::pair<std::string_view, std::string_view>> namespaces = {}) {
    out_ += '<';
    name(prefix, local);
    for (const auto& [ns_prefix, uri] : namespaces) {
      out_ += ns_prefix.empty() ? " xmlns" : " xmlns:";
      out_ += ns_prefix;
      out_ += "=\"";
      escape(uri, true);
      out_ += '"';
    }
    if (attr.name) {
      out_ += ' ';
      out_ += attr.name;
      out_ += "=\"";
      escape(clean_text(attr.value), true);
      out_ += '"';
    }
    out_ += '>';
  }
  void end(const char* /*uri*/, std::string_view prefix, std::string_view local) {
    out_ += "</";
    name(prefix, local);
    out_ += '>';
  }
  void text_element(const char* uri, std::string_view prefix, std::string_view local, std::string_view text,
                    const Attribute& attr = {}) {
    start(uri, prefix, local, attr);
    escape(clean_text(text), false);
    end(uri, prefix, local);
  }
  // Markup that is already a well-formed element of the caller's making
  // (a PIDF-LO inside a HELD answer), copied as it is.
  void raw(std::string_view markup) { out_ += markup; }
  std::string take() { return std::move(out_); }

 private:
  void name(std::string_view prefix, std::string_view local) {
    if (!prefix.empty()) {
      out_ += prefix;
      out_ += ':';
    }
    out_ += local;
  }
  // `s` is already valid XML characters (clean_text); only markup is escaped.
  void escape(std::string_view s, bool attribute) {
    for (const char c : s) {
      switch (c) {
        case '&': out_ += "&amp;"; break;
        case '<': out_ += "&lt;"; break;
        case '>': out_ += "&gt;"; break;
        case '"':
          if (attribute) {
            out_ += "&quot;";
          } else {
            out_ += c;
          }
          break;
        case '\t':
        case '\n':
        case '\r':
          // Attribute values would normalise these to spaces: keep them as references.
          if (attribute) {
            out_ += "&#" + std::to_string(static_cast<int>(c)) + ";";
          } else if (c == '\r') {
            out_ += "&#13;";  // a bare CR would be read back as LF
          } else {
            out_ += c;
          }
          break;
        default: out_ += c;
      }
    }
  }
  std::string out_;
};

}  // namespace e911::xml
