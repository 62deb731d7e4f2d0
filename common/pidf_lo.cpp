#include "common/pidf_lo.h"

#include <Poco/DOM/Element.h>
#include <Poco/DOM/Node.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <vector>

#include "common/text.h"
#include "common/xml_reader.h"
#include "common/xml_writer.h"

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

// ---------------------------------------------------------------- rendering

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

using xml::attribute;

void write_civic(xml::Writer& w, const CivicAddress& a) {
  w.start(ns::kCivic, "ca", "civicAddress");
  for (const CivicField& f : civic_fields()) {
    const std::string& value = a.*f.member;
    if (!value.empty()) w.text_element(ns::kCivic, "ca", f.pidf_element, value);
  }
  w.end(ns::kCivic, "ca", "civicAddress");
}

// RFC 5491 section 5.2.1 (Point) and 5.2.3 (Circle): latitude first, as
// EPSG::4326 orders its axes.
void write_geo(xml::Writer& w, const PidfGeo& g) {
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

void write_geopriv(xml::Writer& w, const PidfLoInput& in, bool with_geo) {
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

using xml::for_each_child_element;
using xml::is_element;
using xml::name_of;
using xml::text_of;

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
      if (is_element(e, ns::kCivic, "civicAddress") || is_element(e, ns::kCivicLegacy, "civicAddress")) {
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
      if (!e && is_element(c, ns::kShapes, local)) e = c;
    });
    const std::string where = name_of(shape) + " " + local;
    if (!e) {
      fail(where + ": missing");
      return std::nullopt;
    }
    const std::string& uom = xml::attribute_of(e, "uom");
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
    const bool point = is_element(shape, ns::kGml, "Point");
    const bool circle = is_element(shape, ns::kShapes, "Circle") || is_element(shape, ns::kShapes, "Sphere");
    const bool ellipse = is_element(shape, ns::kShapes, "Ellipse") || is_element(shape, ns::kShapes, "Ellipsoid");
    if (!point && !circle && !ellipse) {
      if (unsupported_shape.empty()) unsupported_shape = name_of(shape);
      return false;
    }
    const std::string crs = xml::attribute_of(shape, "srsName");
    if (crs != kCrs2d && crs != kCrs3d) {
      return fail(name_of(shape) + ": srsName " + quote_for_message(crs) + " is not " + std::string(kCrs2d) +
                  " or " + std::string(kCrs3d));
    }
    const Poco::XML::Node* pos = nullptr;
    for_each_child_element(shape, [&](const Poco::XML::Node* c) {
      if (!pos && is_element(c, ns::kGml, "pos")) pos = c;
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

  xml::Writer w;
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
  auto parsed = xml::parse_untrusted(xml, kMaxPidfLoBytes, "PIDF-LO");
  if (!parsed) {
    error = parsed.error().message;
    return std::nullopt;
  }
  const Poco::AutoPtr<Poco::XML::Document> doc = *parsed;

  const Poco::XML::Element* root = doc->documentElement();
  if (!is_element(root, ns::kPidf, "presence")) {
    error = "not a PIDF document: root element is " + (root ? name_of(root) : std::string("missing")) +
            ", expected {" + ns::kPidf + "}presence";
    return std::nullopt;
  }
  const auto elements = xml::elements_in_order(root);
  if (!elements) {
    error = "XML nested deeper than " + std::to_string(xml::kMaxDepth) + " elements";
    return std::nullopt;
  }

  EndpointLocation out;
  out.entity = root->getAttribute("entity");
  LocationReader reader;
  for (const Poco::XML::Node* e : *elements) {
    if (!out.timestamp && (is_element(e, ns::kDataModel, "timestamp") || is_element(e, ns::kPidf, "timestamp"))) {
      out.timestamp = parse_rfc3339(text_of(e));  // informative only: a bad one is not worth the location
    }
    if (!is_element(e, ns::kGeopriv, "geopriv")) continue;
    const Poco::XML::Node* info = nullptr;
    const Poco::XML::Node* method = nullptr;
    for_each_child_element(e, [&](const Poco::XML::Node* c) {
      if (!info && is_element(c, ns::kGeopriv, "location-info")) info = c;
      if (!method && is_element(c, ns::kGeopriv, "method")) method = c;
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
