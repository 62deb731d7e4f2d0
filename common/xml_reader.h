#pragma once
// Reading XML that comes from outside (a PIDF-LO an endpoint conveys, a
// HELD location request a proxy sends): the one screened DOM parse of the
// project, and the few walks its readers need. Pure; no network or file
// access whatever the document says. Safe to call from any thread.
//
// Hostile input is expected. Before any parser sees the bytes, a document
// is refused when it is larger than the caller's limit, empty, holds a NUL
// byte, has a DOCTYPE (so no entity definitions: no "billion laughs"
// expansion, no external entity to fetch) or declares an encoding other
// than UTF-8 (the parser is forced to UTF-8, which is what makes the
// DOCTYPE check on raw bytes sound). The parser then refuses every entity
// it would have to resolve, and malformed XML.

#include <Poco/AutoPtr.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Node.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace e911::xml {

// Far deeper than any document the project reads (a PIDF-LO is about 6
// elements deep, 8 for a polygon; a HELD request 3): deeper is hostile.
inline constexpr int kMaxDepth = 32;

// The document, with namespaces resolved and white space between elements
// dropped; or why not, naming the document as `what` says ("PIDF-LO too
// large: 20000 bytes (limit 16384)", "DOCTYPE not allowed in HELD request
// (offset 22)", "malformed XML: ...").
Result<Poco::AutoPtr<Poco::XML::Document>> parse_untrusted(std::string_view xml, std::size_t max_bytes,
                                                           std::string_view what);

// Whether `n` is the element {uri}local.
bool is_element(const Poco::XML::Node* n, std::string_view uri, std::string_view local);
// "{uri}local", or "local" without a namespace: for messages.
std::string name_of(const Poco::XML::Node* n);
// The element's text, white space around it removed.
std::string text_of(const Poco::XML::Node* n);
// The value of the attribute `name` (no namespace); empty when absent.
std::string attribute_of(const Poco::XML::Node* element, const std::string& name);

template <typename F>
void for_each_child_element(const Poco::XML::Node* parent, F&& f) {
  for (const Poco::XML::Node* c = parent->firstChild(); c; c = c->nextSibling()) {
    if (c->nodeType() == Poco::XML::Node::ELEMENT_NODE) f(c);
  }
}

// `root` and every element under it in document order, without recursion;
// nullopt when they are nested deeper than kMaxDepth.
std::optional<std::vector<const Poco::XML::Node*>> elements_in_order(const Poco::XML::Node* root);

}  // namespace e911::xml
