#include "common/pidf_lo.h"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/Node.h>
#include <Poco/Exception.h>
#include <Poco/SAX/EntityResolver.h>
#include <Poco/SAX/XMLReader.h>
#include <Poco/XML/XMLException.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <vector>

#include "common/text.h"
#include "common/utf8.h"

namespace e911 {
namespace {

namespace ns {
constexpr const char* kPidf = "urn:ietf:params:xml:ns:pidf";
constexpr const char* kDataModel = "urn:ietf:params:xml:ns:pidf:data-model";
constexpr const char* kGeopriv = "urn:ietf:params:xml:ns:pidf:geopriv10";
constexpr const char* kCivic = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr";
// RFC 4119's original civic format; older endpoints still send it.
constexpr const char* kCivicLegacy = "urn:ietf:params:xml:ns:pidf:geopriv10:civicLoc";
constexpr const char* kGml = "http://www.opengis.net/gml";
constexpr const char* kShapes = "http://www.opengis.net/pidflo/1.0";
constexpr const char* kBasicPolicy = "urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy";
}  // namespace ns

constexpr std::string_view kCrs2d = "urn:ogc:def:crs:EPSG::4326";
constexpr std::string_view kCrs3d = "urn:ogc:def:crs:EPSG::4979";
constexpr std::string_view kMetres = "urn:ogc:def:uom:EPSG::9001";

// A PIDF-LO is about 6 elements deep (8 for a polygon); anything far
// deeper is hostile, and refusing it keeps every walk below cheap.
constexpr int kMaxDepth = 32;

// ---------------------------------------------------------------- rendering

bool is_xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
         (cp >= 0x10000 && cp <= 0x10ffff);
}

// The XML writer escapes markup but copies bytes: a control character or a
// broken UTF-8 sequence would make the whole document unparseable, losing
// the location. Such bytes become U+FFFD instead.
std::string xml_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto d = utf8::decode(s, i);
    if (d.valid && is_xml_char(d.code_point)) {  // no overlong forms, surrogates or controls
      out.append(s.substr(i, d.size));
      i += d.size;
    } else {
      utf8::append(out, utf8::kReplacement);
      ++i;
    }
  }
  return out;
}

// Shortest text that reads back as the same double, never locale-dependent.
std::string format_number(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

bool is_wgs84(const PidfGeo& g) {
  return std::isfinite(g.lat) && std::isfinite(g.lon) && g.lat >= -90 && g.lat <= 90 && g.lon >= -180 &&
         g.lon <= 180;
}

// Writes the document straight into a string. Poco's XMLWriter did the
// same through a stream and a per-element attribute map at about 20 us a
// document, which dominated the locator's per-call cost; the output here is
// the same XML, and the tests read it back with Poco's parser. Namespaces
// are all declared on the root, so the namespace URI arguments only
// document which vocabulary each element comes from.
struct XmlAttribute {
  const char* name = nullptr;  // nullptr: no attribute
  std::string value;
};

class PidfWriter {
 public:
  PidfWriter() { out_.reserve(2048); }

  void declaration() { out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"; }
  void start(const char* /*uri*/, std::string_view prefix, std::string_view local, const XmlAttribute& attr = {},
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
      escape(xml_text(attr.value), true);
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
                    const XmlAttribute& attr = {}) {
    start(uri, prefix, local, attr);
    escape(xml_text(text), false);
    end(uri, prefix, local);
  }
  std::string take() { return std::move(out_); }

 private:
  void name(std::string_view prefix, std::string_view local) {
    if (!prefix.empty()) {
      out_ += prefix;
      out_ += ':';
    }
    out_ += local;
  }
  // `s` is already valid XML characters (xml_text); only markup is escaped.
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

XmlAttribute attribute(const char* name, std::string_view value) { return {name, std::string(value)}; }

void write_civic(PidfWriter& w, const CivicAddress& a) {
  w.start(ns::kCivic, "ca", "civicAddress");
  for (const CivicField& f : civic_fields()) {
    const std::string& value = a.*f.member;
    if (!value.empty()) w.text_element(ns::kCivic, "ca", f.pidf_element, value);
  }
  w.end(ns::kCivic, "ca", "civicAddress");
}

// RFC 5491 section 5.2.1 (Point) and 5.2.3 (Circle): latitude first, as
// EPSG::4326 orders its axes.
void write_geo(PidfWriter& w, const PidfGeo& g) {
  const std::string pos = format_number(g.lat) + " " + format_number(g.lon);
  const bool circle = g.accuracy_m && std::isfinite(*g.accuracy_m) && *g.accuracy_m > 0;
  const auto crs = attribute("srsName", kCrs2d);
  if (circle) {
    w.start(ns::kShapes, "gs", "Circle", crs);
    w.text_element(ns::kGml, "gml", "pos", pos);
    w.text_element(ns::kShapes, "gs", "radius", format_number(*g.accuracy_m), attribute("uom", kMetres));
    w.end(ns::kShapes, "gs", "Circle");
  } else {
    w.start(ns::kGml, "gml", "Point", crs);
    w.text_element(ns::kGml, "gml", "pos", pos);
    w.end(ns::kGml, "gml", "Point");
  }
}

void write_geopriv(PidfWriter& w, const PidfLoInput& in, bool with_geo) {
  w.start(ns::kGeopriv, "gp", "geopriv");
  w.start(ns::kGeopriv, "gp", "location-info");
  if (in.address && !in.address->empty()) write_civic(w, *in.address);
  if (with_geo) write_geo(w, *in.geo);
  w.end(ns::kGeopriv, "gp", "location-info");
  w.start(ns::kGeopriv, "gp", "usage-rules");
  w.text_element(ns::kBasicPolicy, "gbp", "retransmission-allowed", in.retransmission_allowed ? "true" : "false");
  if (in.retention_expiry) {
    w.text_element(ns::kBasicPolicy, "gbp", "retention-expiry", format_rfc3339(*in.retention_expiry));
  }
  w.end(ns::kGeopriv, "gp", "usage-rules");
  if (!in.method.empty()) w.text_element(ns::kGeopriv, "gp", "method", in.method);
  w.end(ns::kGeopriv, "gp", "geopriv");
}

// ------------------------------------------------------------------ parsing

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
std::optional<std::string> precheck(std::string_view xml) {
  if (xml.size() > kMaxPidfLoBytes) {
    return "PIDF-LO too large: " + std::to_string(xml.size()) + " bytes (limit " + std::to_string(kMaxPidfLoBytes) +
           ")";
  }
  if (trim(xml).empty()) return "empty PIDF-LO";
  if (const void* nul = std::memchr(xml.data(), '\0', xml.size())) {
    return "NUL byte at offset " + std::to_string(static_cast<const char*>(nul) - xml.data());
  }
  // No DTD means no entity declarations: no "billion laughs" expansion and
  // no external entity (file or URL) to fetch. PIDF-LO never needs one.
  if (const auto at = xml.find("<!DOCTYPE"); at != std::string_view::npos) {
    return "DOCTYPE not allowed in PIDF-LO (offset " + std::to_string(at) + ")";
  }
  // The parser is forced to UTF-8, which is what makes the DOCTYPE check on
  // raw bytes sound; say so rather than misreading another encoding.
  if (const auto enc = declared_encoding(xml); enc && to_lower_ascii(*enc) != "utf-8") {
    return "unsupported encoding " + quote_for_message(*enc) + ": PIDF-LO must be UTF-8";
  }
  return std::nullopt;
}

bool is(const Poco::XML::Node* n, const char* uri, std::string_view local) {
  return n && n->nodeType() == Poco::XML::Node::ELEMENT_NODE && n->namespaceURI() == uri && n->localName() == local;
}

std::string name_of(const Poco::XML::Node* n) {
  return n->namespaceURI().empty() ? n->localName() : "{" + n->namespaceURI() + "}" + n->localName();
}

std::string text_of(const Poco::XML::Node* n) { return std::string(trim(n->innerText())); }

template <typename F>
void for_each_child_element(const Poco::XML::Node* parent, F&& f) {
  for (const Poco::XML::Node* c = parent->firstChild(); c; c = c->nextSibling()) {
    if (c->nodeType() == Poco::XML::Node::ELEMENT_NODE) f(c);
  }
}

// Every element in document order, without recursion; nullopt when nested
// deeper than kMaxDepth.
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

bool parse_double(std::string_view text, double& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);  // xs:double allows it, from_chars not
  const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(out);
}

class LocationReader {
 public:
  std::optional<std::string> error;
  std::optional<CivicAddress> address;
  std::optional<GeoPoint> geo;
  std::string unsupported_shape;

  // Reads one location-info; true when it contributed a location.
  bool read_location_info(const Poco::XML::Node* info) {
    bool contributed = false;
    for_each_child_element(info, [&](const Poco::XML::Node* e) {
      if (error) return;
      if (is(e, ns::kCivic, "civicAddress") || is(e, ns::kCivicLegacy, "civicAddress")) {
        if (!address) contributed |= read_civic(e);
      } else if (e->namespaceURI() == ns::kGml || e->namespaceURI() == ns::kShapes) {
        if (!geo) contributed |= read_shape(e);
      }
    });
    return contributed && !error;
  }

 private:
  bool fail(std::string message) {
    if (!error) error = std::move(message);
    return false;
  }

  bool read_civic(const Poco::XML::Node* civic) {
    CivicAddress a;
    // RFC 5139 prefers RD (+ PRD, STS, POD) for the street; A6 is kept from
    // RFC 4119. CONTRACT.md maps street to A6, so RD fills it when A6 is absent.
    std::string prd, rd, sts, pod;
    for_each_child_element(civic, [&](const Poco::XML::Node* e) {
      if (e->namespaceURI() != civic->namespaceURI()) return;  // RFC 6848 extensions
      const std::string& local = e->localName();
      std::string value = text_of(e);
      if (local == "RD") rd = value;
      else if (local == "PRD") prd = value;
      else if (local == "STS") sts = value;
      else if (local == "POD") pod = value;
      for (const CivicField& f : civic_fields()) {
        if (f.pidf_element == local && (a.*f.member).empty()) a.*f.member = std::move(value);
      }
    });
    if (a.street.empty() && !rd.empty()) {
      for (const std::string* part : {&prd, &rd, &sts, &pod}) {
        if (part->empty()) continue;
        if (!a.street.empty()) a.street += ' ';
        a.street += *part;
      }
    }
    if (!a.country.empty()) {
      a.country = to_upper_ascii(a.country);
      if (!is_iso3166_alpha2(a.country)) {
        return fail("civicAddress country " + quote_for_message(a.country) + " is not an ISO 3166-1 alpha-2 code");
      }
    }
    if (a.empty()) return false;
    address = std::move(a);
    return true;
  }

  // A length in metres (RFC 5491 section 5.2.3: uom EPSG::9001).
  std::optional<double> read_length(const Poco::XML::Node* shape, const char* local) {
    const Poco::XML::Node* e = nullptr;
    for_each_child_element(shape, [&](const Poco::XML::Node* c) {
      if (!e && is(c, ns::kShapes, local)) e = c;
    });
    const std::string where = name_of(shape) + " " + local;
    if (!e) {
      fail(where + ": missing");
      return std::nullopt;
    }
    const std::string& uom = static_cast<const Poco::XML::Element*>(e)->getAttribute("uom");
    if (uom != kMetres) {
      fail(where + ": unit " + quote_for_message(uom) + " is not " + std::string(kMetres) + " (metres)");
      return std::nullopt;
    }
    double v = 0;
    const std::string text = text_of(e);
    if (!parse_double(text, v) || v < 0) {
      fail(where + ": not a non-negative number: " + quote_for_message(text));
      return std::nullopt;
    }
    return v;
  }

  bool read_shape(const Poco::XML::Node* shape) {
    const std::string& local = shape->localName();
    const bool point = is(shape, ns::kGml, "Point");
    const bool circle = is(shape, ns::kShapes, "Circle") || is(shape, ns::kShapes, "Sphere");
    const bool ellipse = is(shape, ns::kShapes, "Ellipse") || is(shape, ns::kShapes, "Ellipsoid");
    if (!point && !circle && !ellipse) {
      if (unsupported_shape.empty()) unsupported_shape = name_of(shape);
      return false;
    }
    const std::string crs = static_cast<const Poco::XML::Element*>(shape)->getAttribute("srsName");
    if (crs != kCrs2d && crs != kCrs3d) {
      return fail(name_of(shape) + ": srsName " + quote_for_message(crs) + " is not " + std::string(kCrs2d) +
                  " or " + std::string(kCrs3d));
    }
    const Poco::XML::Node* pos = nullptr;
    for_each_child_element(shape, [&](const Poco::XML::Node* c) {
      if (!pos && is(c, ns::kGml, "pos")) pos = c;
    });
    if (!pos) return fail(name_of(shape) + ": missing gml:pos");

    std::vector<double> coords;
    std::istringstream words(text_of(pos));
    for (std::string word; words >> word && coords.size() <= 3;) {
      double v = 0;
      if (!parse_double(word, v)) return fail(local + " gml:pos: not a number: " + quote_for_message(word));
      coords.push_back(v);
    }
    const std::size_t want = crs == kCrs2d ? 2 : 3;
    if (coords.size() != want) {
      return fail(local + " gml:pos: expected " + std::to_string(want) + " numbers for " + crs);
    }
    GeoPoint g{coords[0], coords[1], std::nullopt};
    if (!is_wgs84(g)) return fail(local + " gml:pos: latitude/longitude out of range");

    if (circle) {
      const auto r = read_length(shape, "radius");
      if (!r) return false;
      g.accuracy_m = *r;
    } else if (ellipse) {
      // The circle that encloses the ellipse: never claims more precision.
      const auto major = read_length(shape, "semiMajorAxis");
      const auto minor = major ? read_length(shape, "semiMinorAxis") : std::nullopt;
      if (!major || !minor) return false;
      g.accuracy_m = std::max(*major, *minor);
    }
    geo = g;
    return true;
  }
};

}  // namespace

std::string presence_entity(std::string_view subject_id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "pres:";
  for (unsigned char c : subject_id) {
    // RFC 3986 unreserved characters pass; the rest (including '@', ':'
    // and non-ASCII) are percent-encoded so the URI stays one user part.
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out + "@e911.invalid";
}

std::string render_pidf_lo(const PidfLoInput& in) {
  const bool with_address = in.address && !in.address->empty();
  const bool with_geo = in.geo && is_wgs84(*in.geo);
  const bool as_device = !in.device_id.empty();

  PidfWriter w;
  w.declaration();
  // All namespaces on the root, as the RFC examples do: one declaration
  // each, wherever the elements appear.
  w.start(ns::kPidf, "", "presence", attribute("entity", in.entity),
          {{"", ns::kPidf},
           {"dm", ns::kDataModel},
           {"gp", ns::kGeopriv},
           {"ca", ns::kCivic},
           {"gml", ns::kGml},
           {"gs", ns::kShapes},
           {"gbp", ns::kBasicPolicy}});

  // dm:device and tuple ids are xs:ID: fixed names, since a device id may
  // not be a valid XML name.
  if (as_device) {
    w.start(ns::kDataModel, "dm", "device", attribute("id", "device"));
    if (with_address || with_geo) write_geopriv(w, in, with_geo);
    w.text_element(ns::kDataModel, "dm", "deviceID", in.device_id);
    w.text_element(ns::kDataModel, "dm", "timestamp", format_rfc3339(in.timestamp));
    w.end(ns::kDataModel, "dm", "device");
  } else {
    w.start(ns::kPidf, "", "tuple", attribute("id", "location"));
    w.start(ns::kPidf, "", "status");
    if (with_address || with_geo) write_geopriv(w, in, with_geo);
    w.end(ns::kPidf, "", "status");
    w.text_element(ns::kPidf, "", "timestamp", format_rfc3339(in.timestamp));
    w.end(ns::kPidf, "", "tuple");
  }

  w.end(ns::kPidf, "", "presence");
  return w.take();
}

std::optional<EndpointLocation> parse_pidf_lo(std::string_view xml, std::string& error) {
  if (auto problem = precheck(xml)) {
    error = std::move(*problem);
    return std::nullopt;
  }

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
    error = "malformed XML: " + e.message();
    return std::nullopt;
  } catch (const std::exception& e) {
    error = std::string("malformed XML: ") + e.what();
    return std::nullopt;
  }
  if (doc->doctype()) {  // the raw-byte check above should make this unreachable
    error = "DOCTYPE not allowed in PIDF-LO";
    return std::nullopt;
  }

  const Poco::XML::Element* root = doc->documentElement();
  if (!is(root, ns::kPidf, "presence")) {
    error = "not a PIDF document: root element is " + (root ? name_of(root) : std::string("missing")) +
            ", expected {" + ns::kPidf + "}presence";
    return std::nullopt;
  }
  const auto elements = elements_in_order(root);
  if (!elements) {
    error = "XML nested deeper than " + std::to_string(kMaxDepth) + " elements";
    return std::nullopt;
  }

  EndpointLocation out;
  out.entity = root->getAttribute("entity");
  LocationReader reader;
  for (const Poco::XML::Node* e : *elements) {
    if (!out.timestamp && (is(e, ns::kDataModel, "timestamp") || is(e, ns::kPidf, "timestamp"))) {
      out.timestamp = parse_rfc3339(text_of(e));  // informative only: a bad one is not worth the location
    }
    if (!is(e, ns::kGeopriv, "geopriv")) continue;
    const Poco::XML::Node* info = nullptr;
    const Poco::XML::Node* method = nullptr;
    for_each_child_element(e, [&](const Poco::XML::Node* c) {
      if (!info && is(c, ns::kGeopriv, "location-info")) info = c;
      if (!method && is(c, ns::kGeopriv, "method")) method = c;
    });
    const bool had_location = reader.address || reader.geo;
    if (info && reader.read_location_info(info) && !had_location && method) out.method = text_of(method);
    if (reader.error) {
      error = *reader.error;
      return std::nullopt;
    }
  }
  if (!reader.address && !reader.geo && !reader.unsupported_shape.empty()) {
    error = "unsupported location shape " + reader.unsupported_shape +
            " (supported: gml:Point, gs:Circle, gs:Sphere, gs:Ellipse, gs:Ellipsoid)";
    return std::nullopt;
  }
  out.address = std::move(reader.address);
  out.geo = reader.geo;
  return out;
}

}  // namespace e911
