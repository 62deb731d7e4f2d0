#include "common/xml_reader.h"

#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Element.h>
#include <Poco/Exception.h>
#include <Poco/SAX/EntityResolver.h>
#include <Poco/SAX/XMLReader.h>
#include <Poco/XML/XMLException.h>

#include <cstring>

#include "common/text.h"

namespace e911::xml {
namespace {

// Every entity is refused: with DOCTYPE rejected up front there should be
// none to resolve, and this makes sure no file or URL is ever opened.
class RefuseEntities final : public Poco::XML::EntityResolver {
 public:
  Poco::XML::InputSource* resolveEntity(const Poco::XML::XMLString*, const Poco::XML::XMLString& system_id) override {
    throw Poco::XML::XMLException("external entity refused", system_id);
  }
  void releaseInputSource(Poco::XML::InputSource*) override {}
};

// The declared encoding, if the document has an XML declaration naming one.
std::optional<std::string> declared_encoding(std::string_view xml) {
  if (xml.substr(0, 3) == "\xEF\xBB\xBF") xml.remove_prefix(3);
  if (xml.substr(0, 5) != "<?xml") return std::nullopt;
  const auto end = xml.find("?>");
  const std::string_view decl = xml.substr(0, end);
  const auto at = decl.find("encoding");
  if (at == std::string_view::npos) return std::nullopt;
  const auto open = decl.find_first_of("\"'", at);
  if (open == std::string_view::npos) return std::nullopt;
  const auto close = decl.find(decl[open], open + 1);
  if (close == std::string_view::npos) return std::nullopt;
  return std::string(decl.substr(open + 1, close - open - 1));
}

// Checks made on the raw bytes, before any XML parser sees them.
std::optional<std::string> precheck(std::string_view xml, std::size_t max_bytes, std::string_view what) {
  const std::string name(what);
  if (xml.size() > max_bytes) {
    return name + " too large: " + std::to_string(xml.size()) + " bytes (limit " + std::to_string(max_bytes) + ")";
  }
  if (trim(xml).empty()) return "empty " + name;
  if (const void* nul = std::memchr(xml.data(), '\0', xml.size())) {
    return "NUL byte at offset " + std::to_string(static_cast<const char*>(nul) - xml.data());
  }
  if (const auto at = xml.find("<!DOCTYPE"); at != std::string_view::npos) {
    return "DOCTYPE not allowed in " + name + " (offset " + std::to_string(at) + ")";
  }
  if (const auto enc = declared_encoding(xml); enc && to_lower_ascii(*enc) != "utf-8") {
    return "unsupported encoding " + quote_for_message(*enc) + ": " + name + " must be UTF-8";
  }
  return std::nullopt;
}

}  // namespace

Result<Poco::AutoPtr<Poco::XML::Document>> parse_untrusted(std::string_view xml, std::size_t max_bytes,
                                                           std::string_view what) {
  if (auto problem = precheck(xml, max_bytes, what)) return Error{std::move(*problem)};

  RefuseEntities refuse;
  Poco::AutoPtr<Poco::XML::Document> doc;
  try {
    Poco::XML::DOMParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    parser.setFeature(Poco::XML::DOMParser::FEATURE_FILTER_WHITESPACE, true);
    parser.setEncoding("UTF-8");
    parser.setEntityResolver(&refuse);
    doc = parser.parseMemory(xml.data(), xml.size());
  } catch (const Poco::Exception& e) {
    return Error{"malformed XML: " + e.message()};
  } catch (const std::exception& e) {
    return Error{std::string("malformed XML: ") + e.what()};
  }
  if (doc->doctype()) {  // the raw-byte check above should make this unreachable
    return Error{"DOCTYPE not allowed in " + std::string(what)};
  }
  return doc;
}

bool is_element(const Poco::XML::Node* n, std::string_view uri, std::string_view local) {
  return n && n->nodeType() == Poco::XML::Node::ELEMENT_NODE && n->namespaceURI() == uri && n->localName() == local;
}

std::string name_of(const Poco::XML::Node* n) {
  return n->namespaceURI().empty() ? n->localName() : "{" + n->namespaceURI() + "}" + n->localName();
}

std::string text_of(const Poco::XML::Node* n) { return std::string(trim(n->innerText())); }

std::string attribute_of(const Poco::XML::Node* element, const std::string& name) {
  return static_cast<const Poco::XML::Element*>(element)->getAttribute(name);
}

std::optional<std::vector<const Poco::XML::Node*>> elements_in_order(const Poco::XML::Node* root) {
  std::vector<const Poco::XML::Node*> out;
  const Poco::XML::Node* n = root;
  int depth = 1;
  while (n) {
    if (n->nodeType() == Poco::XML::Node::ELEMENT_NODE) out.push_back(n);
    if (n->firstChild()) {
      if (++depth > kMaxDepth) return std::nullopt;
      n = n->firstChild();
      continue;
    }
    while (n != root && !n->nextSibling()) {
      n = n->parentNode();
      --depth;
    }
    n = n == root ? nullptr : n->nextSibling();
  }
  return out;
}

}  // namespace e911::xml
