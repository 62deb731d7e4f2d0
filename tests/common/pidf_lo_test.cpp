// PIDF-LO rendering and parsing: rendered documents are read back with two
// independent XML parsers (Poco's DOM, libxml2's xmllint), endpoint
// documents in the shapes real devices send are parsed, and hostile input
// is refused with a reason.

#include "common/pidf_lo.h"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/XMLReader.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "tests/support/files.h"

namespace e911 {
namespace {

constexpr const char* kPidf = "urn:ietf:params:xml:ns:pidf";
constexpr const char* kDm = "urn:ietf:params:xml:ns:pidf:data-model";
constexpr const char* kGp = "urn:ietf:params:xml:ns:pidf:geopriv10";
constexpr const char* kCa = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr";
constexpr const char* kGml = "http://www.opengis.net/gml";
constexpr const char* kGs = "http://www.opengis.net/pidflo/1.0";
constexpr const char* kGbp = "urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy";

const EpochMillis kCallTime = parse_rfc3339("2026-11-21T10:15:00.120Z").value();

CivicAddress london_office() {
  CivicAddress a;
  a.country = "GB";
  a.state = "England";
  a.city = "London";
  a.street = "Victoria Street";
  a.house_number = "10";
  a.postal_code = "SW1H 0NB";
  a.building = "HQ";
  a.floor = "4";
  a.room = "4.12";
  return a;
}

PidfLoInput office_call() {
  PidfLoInput in;
  in.entity = presence_entity("u-5001");
  in.device_id = "d-77";
  in.address = london_office();
  in.geo = PidfGeo{51.4975, -0.1357, 30.0};
  in.method = "Wiremap";
  in.timestamp = kCallTime;
  in.retention_expiry = kCallTime + 86'400'000;
  return in;
}

// --- a real XML parser's view of a document (Poco DOM, namespace aware)

struct Dom {
  Poco::AutoPtr<Poco::XML::Document> doc;
  Poco::XML::Element* root() const { return doc->documentElement(); }
};

Dom dom_of(const std::string& xml) {
  Poco::XML::DOMParser parser;
  parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
  parser.setFeature(Poco::XML::DOMParser::FEATURE_FILTER_WHITESPACE, true);
  return Dom{parser.parseString(xml)};
}

std::vector<Poco::XML::Element*> all(const Dom& d, const char* uri, const char* local) {
  Poco::AutoPtr<Poco::XML::NodeList> list = d.doc->getElementsByTagNameNS(uri, local);
  std::vector<Poco::XML::Element*> out;
  for (unsigned long i = 0; i < list->length(); ++i) out.push_back(static_cast<Poco::XML::Element*>(list->item(i)));
  return out;
}

Poco::XML::Element* only(const Dom& d, const char* uri, const char* local) {
  const auto found = all(d, uri, local);
  EXPECT_EQ(found.size(), 1u) << "{" << uri << "}" << local;
  return found.empty() ? nullptr : found.front();
}

std::string text(const Dom& d, const char* uri, const char* local) {
  const auto* e = only(d, uri, local);
  return e ? e->innerText() : "<missing>";
}

std::vector<std::string> child_names(const Poco::XML::Element* e) {
  std::vector<std::string> out;
  for (auto* c = e->firstChild(); c; c = c->nextSibling()) {
    if (c->nodeType() == Poco::XML::Node::ELEMENT_NODE) out.push_back(c->localName());
  }
  return out;
}

// --- a second, independent parser: libxml2's xmllint

struct LintResult {
  int status = -1;
  std::string messages;
};

LintResult xmllint(const std::string& xml) {
  static std::atomic<int> seq{0};
  const auto dir = std::filesystem::path(::testing::TempDir());
  const std::string stem = "pidf_lo_test_" + std::to_string(::getpid()) + "_" + std::to_string(++seq);
  const auto doc = dir / (stem + ".xml");
  const auto err = dir / (stem + ".err");
  std::ofstream(doc, std::ios::binary) << xml;
  // --nonet: never fetch anything, whatever the document says.
  const std::string cmd = "xmllint --noout --nonet '" + doc.string() + "' 2>'" + err.string() + "'";
  const int raw = std::system(cmd.c_str());
  LintResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.messages = test::read_file(err.string());
  std::filesystem::remove(doc);
  std::filesystem::remove(err);
  return r;
}

void expect_well_formed(const std::string& xml) {
  const auto lint = xmllint(xml);
  EXPECT_EQ(lint.status, 0) << lint.messages << "\n" << xml;
}

// ------------------------------------------------------------------ render

TEST(PidfLoRender, DeviceWithCivicAddressAndCircle) {
  const std::string xml = render_pidf_lo(office_call());
  expect_well_formed(xml);
  const Dom d = dom_of(xml);

  ASSERT_NE(d.root(), nullptr);
  EXPECT_EQ(d.root()->namespaceURI(), kPidf);
  EXPECT_EQ(d.root()->localName(), "presence");
  EXPECT_EQ(d.root()->getAttribute("entity"), "pres:u-5001@e911.invalid");

  const auto* device = only(d, kDm, "device");
  ASSERT_NE(device, nullptr);
  EXPECT_FALSE(device->getAttribute("id").empty());
  EXPECT_EQ(child_names(device), (std::vector<std::string>{"geopriv", "deviceID", "timestamp"}));
  EXPECT_EQ(text(d, kDm, "deviceID"), "d-77");
  EXPECT_EQ(text(d, kDm, "timestamp"), "2026-11-21T10:15:00.120Z");

  const auto* geopriv = only(d, kGp, "geopriv");
  ASSERT_NE(geopriv, nullptr);
  EXPECT_EQ(child_names(geopriv), (std::vector<std::string>{"location-info", "usage-rules", "method"}));
  EXPECT_EQ(text(d, kGp, "method"), "Wiremap");
  EXPECT_EQ(text(d, kGbp, "retransmission-allowed"), "false");
  EXPECT_EQ(text(d, kGbp, "retention-expiry"), "2026-11-22T10:15:00.120Z");

  // RFC 5139 schema order, each in the civicAddr namespace.
  const auto* civic = only(d, kCa, "civicAddress");
  ASSERT_NE(civic, nullptr);
  EXPECT_EQ(child_names(civic),
            (std::vector<std::string>{"country", "A1", "A3", "A6", "HNO", "FLR", "PC", "BLD", "ROOM"}));
  EXPECT_EQ(text(d, kCa, "country"), "GB");
  EXPECT_EQ(text(d, kCa, "A1"), "England");
  EXPECT_EQ(text(d, kCa, "A3"), "London");
  EXPECT_EQ(text(d, kCa, "A6"), "Victoria Street");
  EXPECT_EQ(text(d, kCa, "HNO"), "10");
  EXPECT_EQ(text(d, kCa, "FLR"), "4");
  EXPECT_EQ(text(d, kCa, "ROOM"), "4.12");
  EXPECT_EQ(text(d, kCa, "PC"), "SW1H 0NB");

  // RFC 5491 section 5.2.3 Circle: WGS 84 centre, radius in metres.
  EXPECT_TRUE(all(d, kGml, "Point").empty());
  const auto* circle = only(d, kGs, "Circle");
  ASSERT_NE(circle, nullptr);
  EXPECT_EQ(circle->getAttribute("srsName"), "urn:ogc:def:crs:EPSG::4326");
  EXPECT_EQ(text(d, kGml, "pos"), "51.4975 -0.1357");
  const auto* radius = only(d, kGs, "radius");
  ASSERT_NE(radius, nullptr);
  EXPECT_EQ(radius->getAttribute("uom"), "urn:ogc:def:uom:EPSG::9001");
  EXPECT_EQ(radius->innerText(), "30");
}

TEST(PidfLoRender, PointWhenAccuracyUnknown) {
  PidfLoInput in = office_call();
  in.address.reset();
  in.geo = PidfGeo{-33.8568, 151.2153, std::nullopt};
  in.method = "GPS";
  const std::string xml = render_pidf_lo(in);
  expect_well_formed(xml);
  const Dom d = dom_of(xml);
  EXPECT_TRUE(all(d, kCa, "civicAddress").empty());
  EXPECT_TRUE(all(d, kGs, "Circle").empty());
  const auto* point = only(d, kGml, "Point");
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->getAttribute("srsName"), "urn:ogc:def:crs:EPSG::4326");
  EXPECT_EQ(text(d, kGml, "pos"), "-33.8568 151.2153");
  EXPECT_EQ(text(d, kGp, "method"), "GPS");

  in.geo->accuracy_m = 0;  // a zero radius is no circle
  EXPECT_EQ(all(dom_of(render_pidf_lo(in)), kGml, "Point").size(), 1u);
}

TEST(PidfLoRender, TupleWhenThereIsNoDevice) {
  PidfLoInput in = office_call();
  in.device_id.clear();
  const std::string xml = render_pidf_lo(in);
  expect_well_formed(xml);
  const Dom d = dom_of(xml);
  EXPECT_TRUE(all(d, kDm, "device").empty());
  const auto* tuple = only(d, kPidf, "tuple");
  ASSERT_NE(tuple, nullptr);
  EXPECT_EQ(child_names(tuple), (std::vector<std::string>{"status", "timestamp"}));
  EXPECT_EQ(child_names(only(d, kPidf, "status")), std::vector<std::string>{"geopriv"});
  EXPECT_EQ(text(d, kPidf, "timestamp"), "2026-11-21T10:15:00.120Z");
  EXPECT_EQ(text(d, kCa, "FLR"), "4");
}

TEST(PidfLoRender, NoLocationIsAPresenceDocumentWithoutGeopriv) {
  PidfLoInput in;
  in.entity = presence_entity("u-9");
  in.device_id = "d-9";
  in.method = "None";
  in.timestamp = kCallTime;
  const std::string xml = render_pidf_lo(in);
  expect_well_formed(xml);
  const Dom d = dom_of(xml);
  EXPECT_EQ(d.root()->localName(), "presence");
  EXPECT_TRUE(all(d, kGp, "geopriv").empty());
  EXPECT_TRUE(all(d, kGp, "method").empty());
  EXPECT_EQ(text(d, kDm, "deviceID"), "d-9");

  std::string error;
  const auto parsed = parse_pidf_lo(xml, error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_FALSE(parsed->address);
  EXPECT_FALSE(parsed->geo);
  EXPECT_EQ(parsed->timestamp, kCallTime);

  in.device_id.clear();  // and as a tuple
  expect_well_formed(render_pidf_lo(in));
}

TEST(PidfLoRender, HostileValuesAreEscapedAndRoundTrip) {
  PidfLoInput in = office_call();
  in.device_id = R"(d"77'<x>&amp;)";
  in.method = "802.11";
  in.address->street = R"(</ca:A6><ca:A1>Injected</ca:A1><ca:A6>"Quoted" & 'single' <tag> ]]>)";
  in.address->city = "Zürich";
  in.address->name = "東京タワー 🚑";
  in.address->landmark = "&lt; not an entity &#65;";
  in.entity = presence_entity(R"(u"1@evil.example" x="y)");
  const std::string xml = render_pidf_lo(in);
  expect_well_formed(xml);
  EXPECT_EQ(xml.find("<ca:A1>Injected"), std::string::npos);

  const Dom d = dom_of(xml);
  EXPECT_EQ(all(d, kCa, "A1").size(), 1u);
  EXPECT_EQ(text(d, kCa, "A1"), "England");
  EXPECT_EQ(text(d, kCa, "A6"), in.address->street);
  EXPECT_EQ(text(d, kCa, "A3"), "Zürich");
  EXPECT_EQ(text(d, kCa, "NAM"), "東京タワー 🚑");
  EXPECT_EQ(text(d, kCa, "LMK"), "&lt; not an entity &#65;");
  EXPECT_EQ(text(d, kDm, "deviceID"), in.device_id);
  EXPECT_EQ(d.root()->getAttribute("entity"), "pres:u%221%40evil.example%22%20x%3D%22y@e911.invalid");

  std::string error;
  const auto parsed = parse_pidf_lo(xml, error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(parsed->address, in.address);
  EXPECT_EQ(parsed->method, "802.11");
  EXPECT_EQ(parsed->entity, in.entity);
}

TEST(PidfLoRender, BytesXmlCannotCarryBecomeReplacementCharacters) {
  PidfLoInput in = office_call();
  in.address->room = std::string("4\x01\x1b.12");         // C0 controls are not XML 1.0 characters
  in.address->seat = std::string("\xff\xfe bad \xc3");    // not UTF-8
  in.address->unit = std::string("\xed\xa0\x80 \xc0\xaf");  // a surrogate, an overlong '/'
  in.method = std::string("GPS\x7f\0", 5);
  const std::string xml = render_pidf_lo(in);
  expect_well_formed(xml);
  const Dom d = dom_of(xml);
  EXPECT_EQ(text(d, kCa, "ROOM"), "4\uFFFD\uFFFD.12");
  EXPECT_EQ(text(d, kCa, "SEAT"), "\uFFFD\uFFFD bad \uFFFD");
  EXPECT_EQ(text(d, kCa, "UNIT"), "\uFFFD\uFFFD\uFFFD \uFFFD\uFFFD");
  EXPECT_EQ(text(d, kGp, "method"), "GPS\x7f\uFFFD");  // DEL is a legal XML character
}

TEST(PidfLoRender, PositionOutsideWgs84IsLeftOut) {
  PidfLoInput in = office_call();
  in.geo = PidfGeo{91.0, 0.0, 10.0};
  const Dom d = dom_of(render_pidf_lo(in));
  EXPECT_TRUE(all(d, kGs, "Circle").empty());
  EXPECT_EQ(all(d, kCa, "civicAddress").size(), 1u);
  in.geo = PidfGeo{std::nan(""), 0.0, std::nullopt};
  EXPECT_TRUE(all(dom_of(render_pidf_lo(in)), kGml, "Point").empty());
}

TEST(PidfLoRender, EveryCivicFieldRoundTrips) {
  PidfLoInput in = office_call();
  CivicAddress full;
  int n = 0;
  for (const CivicField& f : civic_fields()) full.*f.member = std::string(f.json_name) + "-" + std::to_string(++n);
  full.country = "US";
  in.address = full;
  in.geo = PidfGeo{30.2672, -97.7431, 12.5};
  const std::string xml = render_pidf_lo(in);
  expect_well_formed(xml);

  std::string error;
  const auto parsed = parse_pidf_lo(xml, error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(parsed->address, full);
  ASSERT_TRUE(parsed->geo);
  EXPECT_EQ(parsed->geo->lat, 30.2672);
  EXPECT_EQ(parsed->geo->lon, -97.7431);
  EXPECT_EQ(parsed->geo->accuracy_m, 12.5);
  EXPECT_EQ(parsed->method, "Wiremap");
  EXPECT_EQ(parsed->timestamp, kCallTime);
}

TEST(PidfLoRender, XmllintRejectsWhatIsNotWellFormed) {
  // The second parser is only worth having if it can say no.
  const auto lint = xmllint("<presence><tuple></presence>");
  EXPECT_NE(lint.status, 0);
  EXPECT_FALSE(lint.messages.empty());
}

TEST(PidfLoEntity, PercentEncodesWhatIsNotUnreserved) {
  EXPECT_EQ(presence_entity("u-5001"), "pres:u-5001@e911.invalid");
  EXPECT_EQ(presence_entity("a.b_c~d"), "pres:a.b_c~d@e911.invalid");
  EXPECT_EQ(presence_entity("x@y z"), "pres:x%40y%20z@e911.invalid");
  EXPECT_EQ(presence_entity("é"), "pres:%C3%A9@e911.invalid");
}

// ------------------------------------------------------------------- parse

// As a softphone with a civic address (RFC 5139 style, RD rather than A6,
// pretty-printed, xml:lang, an extension element we do not know).
constexpr const char* kEndpointCivic = R"(<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf"
          xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"
          xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
          xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
          xmlns:ext="urn:example:civic-ext"
          entity="pres:alice@example.com">
  <dm:device id="softphone-1">
    <gp:geopriv>
      <gp:location-info>
        <ca:civicAddress xml:lang="en-US">
          <ca:country>us</ca:country>
          <ca:A1>TX</ca:A1>
          <ca:A3>Austin</ca:A3>
          <ca:RD>Congress</ca:RD>
          <ca:STS>Ave</ca:STS>
          <ca:HNO>500</ca:HNO>
          <ca:FLR> 3 </ca:FLR>
          <ca:UNIT>3B</ca:UNIT>
          <ca:PC>78701</ca:PC>
          <ext:dock>7</ext:dock>
        </ca:civicAddress>
      </gp:location-info>
      <gp:usage-rules>
        <gbp:retransmission-allowed xmlns:gbp="urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy">false</gbp:retransmission-allowed>
      </gp:usage-rules>
      <gp:method>Manual</gp:method>
    </gp:geopriv>
    <dm:deviceID>mac:00a0c9145a2b</dm:deviceID>
    <dm:timestamp>2026-11-21T09:58:12Z</dm:timestamp>
  </dm:device>
</presence>
)";

// As a mobile client with a GPS fix (RFC 5491 section 5.2.3, in a tuple).
constexpr const char* kEndpointCircle = R"(<?xml version="1.0"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf"
          xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"
          xmlns:gml="http://www.opengis.net/gml"
          xmlns:gs="http://www.opengis.net/pidflo/1.0"
          entity="pres:bob@example.com">
  <tuple id="gps">
    <status>
      <gp:geopriv>
        <gp:location-info>
          <gs:Circle srsName="urn:ogc:def:crs:EPSG::4326">
            <gml:pos>42.5463 -73.2512</gml:pos>
            <gs:radius uom="urn:ogc:def:uom:EPSG::9001">850.24</gs:radius>
          </gs:Circle>
        </gp:location-info>
        <gp:usage-rules/>
        <gp:method>GPS</gp:method>
      </gp:geopriv>
    </status>
    <timestamp>2026-11-21T10:14:59.500+01:00</timestamp>
  </tuple>
</presence>
)";

TEST(PidfLoParse, EndpointCivicAddress) {
  std::string error;
  const auto loc = parse_pidf_lo(kEndpointCivic, error);
  ASSERT_TRUE(loc) << error;
  ASSERT_TRUE(loc->address);
  const CivicAddress& a = *loc->address;
  EXPECT_EQ(a.country, "US");
  EXPECT_EQ(a.state, "TX");
  EXPECT_EQ(a.city, "Austin");
  EXPECT_EQ(a.street, "Congress Ave");
  EXPECT_EQ(a.house_number, "500");
  EXPECT_EQ(a.floor, "3");
  EXPECT_EQ(a.unit, "3B");
  EXPECT_EQ(a.postal_code, "78701");
  EXPECT_FALSE(loc->geo);
  EXPECT_EQ(loc->method, "Manual");
  EXPECT_EQ(loc->entity, "pres:alice@example.com");
  EXPECT_EQ(loc->timestamp, parse_rfc3339("2026-11-21T09:58:12Z"));
}

TEST(PidfLoParse, EndpointCircle) {
  std::string error;
  const auto loc = parse_pidf_lo(kEndpointCircle, error);
  ASSERT_TRUE(loc) << error;
  EXPECT_FALSE(loc->address);
  ASSERT_TRUE(loc->geo);
  EXPECT_DOUBLE_EQ(loc->geo->lat, 42.5463);
  EXPECT_DOUBLE_EQ(loc->geo->lon, -73.2512);
  ASSERT_TRUE(loc->geo->accuracy_m);
  EXPECT_DOUBLE_EQ(*loc->geo->accuracy_m, 850.24);
  EXPECT_EQ(loc->method, "GPS");
  EXPECT_EQ(loc->timestamp, parse_rfc3339("2026-11-21T09:14:59.500Z"));
}

// A small PIDF-LO around one location-info body.
std::string with_location_info(const std::string& body, const std::string& method = "GPS") {
  return R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" )"
         R"(xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0" entity="pres:x@y">)"
         R"(<tuple id="t"><status><gp:geopriv><gp:location-info>)" +
         body + "</gp:location-info><gp:method>" + method +
         "</gp:method></gp:geopriv></status></tuple></presence>";
}

// A gml:Point at `pos` in the coordinate reference system EPSG::`epsg`
// (4326: WGS 84 latitude and longitude).
std::string gml_point(const std::string& pos, const std::string& epsg = "4326") {
  return R"(<gml:Point srsName="urn:ogc:def:crs:EPSG::)" + epsg + R"("><gml:pos>)" + pos + "</gml:pos></gml:Point>";
}

TEST(PidfLoParse, OtherSupportedShapes) {
  std::string error;
  auto loc = parse_pidf_lo(with_location_info(gml_point("-34.407 +150.883 24.8", "4979")), error);
  ASSERT_TRUE(loc) << error;
  ASSERT_TRUE(loc->geo);
  EXPECT_DOUBLE_EQ(loc->geo->lat, -34.407);
  EXPECT_DOUBLE_EQ(loc->geo->lon, 150.883);
  EXPECT_FALSE(loc->geo->accuracy_m);

  // An ellipse is conveyed as the circle that encloses it.
  loc = parse_pidf_lo(with_location_info(R"(<gs:Ellipse srsName="urn:ogc:def:crs:EPSG::4326">)"
                                         R"(<gml:pos>42.5463 -73.2512</gml:pos>)"
                                         R"(<gs:semiMajorAxis uom="urn:ogc:def:uom:EPSG::9001">1275</gs:semiMajorAxis>)"
                                         R"(<gs:semiMinorAxis uom="urn:ogc:def:uom:EPSG::9001">670</gs:semiMinorAxis>)"
                                         R"(<gs:orientation uom="urn:ogc:def:uom:EPSG::9102">43.2</gs:orientation>)"
                                         R"(</gs:Ellipse>)"),
                      error);
  ASSERT_TRUE(loc) << error;
  ASSERT_TRUE(loc->geo);
  EXPECT_EQ(loc->geo->accuracy_m, 1275.0);
}

TEST(PidfLoParse, LegacyRfc4119CivicNamespace) {
  std::string error;
  const auto loc = parse_pidf_lo(
      with_location_info(R"(<cl:civicAddress xmlns:cl="urn:ietf:params:xml:ns:pidf:geopriv10:civicLoc">)"
                         R"(<cl:country>DE</cl:country><cl:A3>Berlin</cl:A3><cl:A6>Unter den Linden</cl:A6>)"
                         R"(<cl:HNO>77</cl:HNO></cl:civicAddress>)",
                         "Manual"),
      error);
  ASSERT_TRUE(loc) << error;
  ASSERT_TRUE(loc->address);
  EXPECT_EQ(loc->address->street, "Unter den Linden");
  EXPECT_EQ(loc->address->country, "DE");
}

TEST(PidfLoParse, CivicAndGeodeticTogether) {
  std::string error;
  const auto loc = parse_pidf_lo(render_pidf_lo(office_call()), error);
  ASSERT_TRUE(loc) << error;
  EXPECT_EQ(loc->address, london_office());
  ASSERT_TRUE(loc->geo);
  EXPECT_EQ(loc->geo->lat, 51.4975);
  EXPECT_EQ(loc->geo->accuracy_m, 30.0);
}

void expect_rejected(const std::string& xml, const std::string& reason) {
  std::string error;
  const auto loc = parse_pidf_lo(xml, error);
  EXPECT_FALSE(loc) << "accepted: " << xml.substr(0, 200);
  EXPECT_NE(error.find(reason), std::string::npos) << "error: " << error;
}

TEST(PidfLoParse, RejectsDoctypeAndEntityExpansion) {
  const std::string billion_laughs = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="&lol9;"/>)";
  expect_rejected(billion_laughs, "DOCTYPE not allowed");

  const std::string external = R"(<?xml version="1.0"?>
<!DOCTYPE presence [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:x@y"><note>&xxe;</note></presence>)";
  expect_rejected(external, "DOCTYPE not allowed");

  // Without a DTD an entity reference is just undefined.
  expect_rejected(with_location_info("<gml:Point>&xxe;</gml:Point>"), "malformed XML");
}

TEST(PidfLoParse, RejectsMalformedXml) {
  expect_rejected("", "empty");
  expect_rejected("not xml at all", "malformed XML");
  expect_rejected(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple></presence>)", "malformed XML");
  expect_rejected(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="a" entity="b"/>)", "malformed XML");
  expect_rejected(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf"/><second/>)", "malformed XML");
  expect_rejected(R"(<x:presence xmlns:y="urn:y"/>)", "malformed XML");  // unbound prefix
  expect_rejected(std::string("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\">\xff</presence>"), "malformed XML");
  std::string with_nul = R"(<presence xmlns="urn:ietf:params:xml:ns:pidf">)";
  with_nul += '\0';
  expect_rejected(with_nul + "</presence>", "NUL byte");
  expect_rejected(R"(<?xml version="1.0" encoding="UTF-16"?><presence/>)", "must be UTF-8");
  expect_rejected(R"(<html xmlns="http://www.w3.org/1999/xhtml"/>)", "not a PIDF document");
  expect_rejected(R"(<presence/>)", "not a PIDF document");  // right name, no namespace
}

TEST(PidfLoParse, RejectsOversizedAndDeepInput) {
  std::string big = with_location_info(gml_point("1 2"));
  big.insert(big.find("</presence>"), std::string(kMaxPidfLoBytes, ' '));
  expect_rejected(big, "too large");

  // As deep as fits in the size limit.
  std::string deep = R"(<presence xmlns="urn:ietf:params:xml:ns:pidf">)";
  const std::size_t levels = (kMaxPidfLoBytes - 64) / 7;
  for (std::size_t i = 0; i < levels; ++i) deep += "<a>";
  for (std::size_t i = 0; i < levels; ++i) deep += "</a>";
  deep += "</presence>";
  expect_rejected(deep, "nested deeper");
}

TEST(PidfLoParse, RejectsLocationsItCannotTrust) {
  struct Case {
    std::string location_info, reason;
  };
  const Case cases[] = {
      {gml_point("530000 180000", "27700"), "srsName"},
      {gml_point("95 10"), "out of range"},
      {gml_point("51.5 abc"), "not a number"},
      {gml_point("51.5"), "expected 2 numbers"},
      {R"(<gs:Circle srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>51.5 -0.1</gml:pos>)"
       R"(<gs:radius uom="urn:ogc:def:uom:EPSG::9002">100</gs:radius></gs:Circle>)",
       "is not urn:ogc:def:uom:EPSG::9001"},
      {R"(<gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"/>)", "unsupported location shape"},
      {R"(<ca:civicAddress xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr">)"
       R"(<ca:country>XX</ca:country><ca:A3>Nowhere</ca:A3></ca:civicAddress>)",
       "ISO 3166-1"},
  };
  for (const auto& c : cases) expect_rejected(with_location_info(c.location_info), c.reason);
}

}  // namespace
}  // namespace e911
