// HELD documents (RFC 5985, RFC 6155): reading location requests, hostile
// ones included, and writing answers. Locating devices and who is
// answered: held_responder_test.cpp.

#include <gtest/gtest.h>

#include <variant>
#include <vector>

#include "common/pidf_lo.h"
#include "producers/locations/held.h"
#include "tests/locations/held_documents.h"

namespace e911::locations::held_test {
namespace {

LocationRequest parsed_ok(const std::string& xml) {
  auto parsed = parse_location_request(xml);
  if (const auto* e = std::get_if<HeldError>(&parsed)) {
    ADD_FAILURE() << held_error_code_name(e->code) << ": " << e->message << "\n" << xml;
    return {};
  }
  return std::get<LocationRequest>(parsed);
}

HeldError parse_error(const std::string& xml) {
  auto parsed = parse_location_request(xml);
  if (const auto* e = std::get_if<HeldError>(&parsed)) return *e;
  ADD_FAILURE() << "accepted: " << xml;
  return {};
}

// ------------------------------------------------------------ requests

TEST(HeldRequest, ReadsAnIpv4DeviceWithTypesAndResponseTime) {
  const auto r = parsed_ok(request(R"(<ip v="4">10.40.1.23</ip>)", R"(<locationType exact="true">civic geodetic</locationType>)",
                                   R"( responseTime="emergencyRouting")"));
  ASSERT_TRUE(r.device);
  EXPECT_EQ(r.device->ip, IpAddress::parse("10.40.1.23"));
  EXPECT_FALSE(r.device->mac);
  EXPECT_EQ(r.types, (std::vector{LocationType::civic, LocationType::geodetic}));
  EXPECT_TRUE(r.exact);
  ASSERT_TRUE(r.response_time);
  EXPECT_EQ(r.response_time->kind, ResponseTime::Kind::emergency_routing);
}

TEST(HeldRequest, ReadsAnIpv6Device) {
  const auto r = parsed_ok(request(R"(<ip v="6">2001:db8:40:1::17</ip>)", "", R"( responseTime="8000")"));
  ASSERT_TRUE(r.device);
  EXPECT_EQ(r.device->ip, IpAddress::parse("2001:db8:40:1::17"));
  EXPECT_EQ(r.types, std::vector{LocationType::any});  // no locationType: any
  EXPECT_FALSE(r.exact);
  ASSERT_TRUE(r.response_time);
  EXPECT_EQ(r.response_time->kind, ResponseTime::Kind::milliseconds);
  EXPECT_EQ(r.response_time->milliseconds, 8000u);
}

TEST(HeldRequest, ReadsAMacAndAnIpTogether) {
  const auto r = parsed_ok(request(R"(<mac>00-04-F2-15-C2-85</mac><ip v="4">10.40.1.23</ip>)"));
  ASSERT_TRUE(r.device);
  EXPECT_EQ(r.device->mac, MacAddress::parse("00:04:f2:15:c2:85"));
  EXPECT_EQ(r.device->ip, IpAddress::parse("10.40.1.23"));
}

TEST(HeldRequest, ReadsTheDeviceOfASipUriWithAnIpHost) {
  // What Kamailio's lost_held_query sends: <uri>, default location types.
  const auto r = parsed_ok(request("<uri>sip:5001@10.40.1.23:5060;transport=udp</uri>",
                                   R"(<locationType exact="false">geodetic locationURI</locationType>)"));
  ASSERT_TRUE(r.device);
  EXPECT_EQ(r.device->ip, IpAddress::parse("10.40.1.23"));
  EXPECT_EQ(r.device->uri, "sip:5001@10.40.1.23:5060;transport=udp");
  EXPECT_TRUE(wants(r, LocationType::location_uri));
}

TEST(HeldRequest, SipUriHosts) {
  EXPECT_EQ(sip_uri_ip_host("sip:10.40.1.23"), IpAddress::parse("10.40.1.23"));
  EXPECT_EQ(sip_uri_ip_host("SIPS:alice@[2001:db8::7]:5061;transport=tls?Subject=x"), IpAddress::parse("2001:db8::7"));
  for (const char* no_ip_host : {"sip:alice@example.com", "sip:alice@10.40.1.23.example.com", "tel:+15125550101",
                                 "http://10.40.1.23/", "sip:[2001:db8::7"}) {
    EXPECT_EQ(sip_uri_ip_host(no_ip_host), std::nullopt) << no_ip_host;
  }
}

TEST(HeldRequest, WithoutADeviceStillParses) {
  const auto r = parsed_ok(request(""));
  EXPECT_FALSE(r.device);
}

TEST(HeldRequest, MalformedXmlIsAnXmlError) {
  for (const std::string& xml : std::vector<std::string>{
           "", "not xml", request(R"(<ip v="4">10.40.1.23</ip>)").substr(0, 120),
           R"(<locationRequest xmlns="urn:ietf:params:xml:ns:geopriv:held"><x:y/></locationRequest>)"}) {
    const auto e = parse_error(xml);
    EXPECT_EQ(e.code, HeldErrorCode::xml_error) << xml << ": " << e.message;
  }
}

TEST(HeldRequest, RefusesDtdsEntitiesAndOversizedInput) {
  const std::string laughs = R"(<?xml version="1.0"?><!DOCTYPE l [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;&l;">]>)"
                             R"(<locationRequest xmlns="urn:ietf:params:xml:ns:geopriv:held">&l2;</locationRequest>)";
  auto e = parse_error(laughs);
  EXPECT_EQ(e.code, HeldErrorCode::xml_error);
  EXPECT_NE(e.message.find("DOCTYPE not allowed in HELD request"), std::string::npos) << e.message;

  e = parse_error(request(R"(<ip v="4">&xxe;</ip>)"));  // no DTD: undefined
  EXPECT_EQ(e.code, HeldErrorCode::xml_error);

  std::string big = request(R"(<ip v="4">10.40.1.23</ip>)");
  big.insert(big.find("</locationRequest>"), std::string(kMaxHeldRequestBytes, ' '));
  e = parse_error(big);
  EXPECT_EQ(e.code, HeldErrorCode::xml_error);
  EXPECT_NE(e.message.find("too large"), std::string::npos) << e.message;

  e = parse_error(R"(<?xml version="1.0" encoding="ISO-8859-1"?><locationRequest xmlns="urn:ietf:params:xml:ns:geopriv:held"/>)");
  EXPECT_NE(e.message.find("must be UTF-8"), std::string::npos) << e.message;
}

TEST(HeldRequest, AnotherDocumentOrNamespaceIsUnsupported) {
  for (const char* xml : {R"(<locationRequest xmlns="urn:example:held"><device/></locationRequest>)",
                          R"(<locationRequest/>)", R"(<locationResponse xmlns="urn:ietf:params:xml:ns:geopriv:held"/>)"}) {
    const auto e = parse_error(xml);
    EXPECT_EQ(e.code, HeldErrorCode::unsupported_message) << xml << ": " << e.message;
    EXPECT_NE(e.message.find("not a HELD locationRequest"), std::string::npos) << e.message;
  }
}

TEST(HeldRequest, UnsupportedIdentifiersAreBadIdentifiersNamedAll) {
  const auto e = parse_error(request(R"(<ip v="4">10.40.1.23</ip><hostname>phone7.example.com</hostname>)"
                                     R"(<nai>joe@example.com</nai><x:imei xmlns:x="urn:example">1</x:imei>)"));
  EXPECT_EQ(e.code, HeldErrorCode::bad_identifier);
  for (const char* name : {"hostname", "nai", "{urn:example}imei"}) {
    EXPECT_NE(e.message.find(name), std::string::npos) << e.message;
  }
  EXPECT_EQ(e.message.find("phone7"), std::string::npos) << "echoes the value: " << e.message;
}

TEST(HeldRequest, IdentifiersThatDoNotParseAreBadIdentifiers) {
  for (const std::string device : {R"(<ip v="4">2001:db8::1</ip>)", R"(<ip v="6">10.40.1.23</ip>)",
                                   R"(<ip>10.40.1.23</ip>)", R"(<ip v="4">10.40.1.300</ip>)",
                                   "<mac>00-04-F2-15-C2</mac>", "<mac>00-04-F2-15-C2-85-00-01</mac>",
                                   "<uri>sip:alice@example.com</uri>", "<uri>tel:+15125550101</uri>",
                                   R"(<ip v="4">10.40.1.23</ip><ip v="4">10.40.1.24</ip>)",
                                   R"(<ip v="4">10.40.1.23</ip><uri>sip:5001@10.40.1.24</uri>)"}) {
    const auto e = parse_error(request(device));
    EXPECT_EQ(e.code, HeldErrorCode::bad_identifier) << device << ": " << e.message;
  }
}

TEST(HeldRequest, ValuesTheSchemaDoesNotAllowAreXmlErrors) {
  for (const auto& [type, attributes] : std::vector<std::pair<std::string, std::string>>{
           {"<locationType>civic postal</locationType>", ""},
           {R"(<locationType exact="yes">civic</locationType>)", ""},
           {"<locationType>civic</locationType><locationType>any</locationType>", ""},
           {"<surprise/>", ""},
           {"", R"( responseTime="-5")"},
           {"", R"( responseTime="soon")"}}) {
    const auto e = parse_error(request(R"(<ip v="4">10.40.1.23</ip>)", type, attributes));
    EXPECT_EQ(e.code, HeldErrorCode::xml_error) << type << attributes << ": " << e.message;
  }
  EXPECT_EQ(parse_error(request("<!-- nothing -->")).code, HeldErrorCode::xml_error);  // an empty device
}

TEST(HeldRequest, ExtensionsInOtherNamespacesAreIgnored) {
  const auto r = parsed_ok(request(R"(<ip v="4">10.40.1.23</ip>)",
                                   R"(<requestRoutingInformation xmlns="urn:ietf:params:xml:ns:geopriv:held:ri"/>)"));
  EXPECT_TRUE(r.device);
}

// ------------------------------------------------------------ documents

TEST(HeldDocuments, ErrorDocumentShape) {
  const auto doc = render_held_error({HeldErrorCode::location_unknown, "no <match> & \"nothing\" \x01"});
  EXPECT_EQ(doc.rfind("<?xml", 0), 0u);
  const auto s = shape_of(doc);
  EXPECT_EQ(s.root, kHeldError);
  EXPECT_EQ(s.code, "locationUnknown");
  EXPECT_EQ(s.message, "no <match> & \"nothing\" \xEF\xBF\xBD");
  EXPECT_EQ(s.children, std::vector<std::string>{"{urn:ietf:params:xml:ns:geopriv:held}message"});
}

TEST(HeldDocuments, EveryCodeHasItsRfcName) {
  const std::vector<std::pair<HeldErrorCode, std::string>> codes{
      {HeldErrorCode::request_error, "requestError"},
      {HeldErrorCode::xml_error, "xmlError"},
      {HeldErrorCode::general_lis_error, "generalLisError"},
      {HeldErrorCode::location_unknown, "locationUnknown"},
      {HeldErrorCode::unsupported_message, "unsupportedMessage"},
      {HeldErrorCode::timeout, "timeout"},
      {HeldErrorCode::cannot_provide_li_type, "cannotProvideLiType"},
      {HeldErrorCode::not_locatable, "notLocatable"},
      {HeldErrorCode::bad_identifier, "badIdentifier"}};
  for (const auto& [code, name] : codes) {
    EXPECT_EQ(held_error_code_name(code), name);
    EXPECT_EQ(shape_of(render_held_error({code, "x"})).code, name);
  }
}

TEST(HeldDocuments, LocationResponseCarriesThePresenceByValue) {
  PidfLoInput in;
  in.entity = presence_entity("10.40.1.23");
  in.geo = PidfGeo{51.5226, -0.0983, 25.0};
  in.method = "GPS";
  in.timestamp = 1'795'000'000'000;
  const auto doc = render_location_response(render_pidf_lo(in));
  const auto s = shape_of(doc);
  EXPECT_EQ(s.root, kHeldResponse);
  EXPECT_EQ(s.children, std::vector<std::string>{"{urn:ietf:params:xml:ns:pidf}presence"});
  EXPECT_EQ(doc.find("<?xml", 1), std::string::npos);  // one declaration, at the start
  const auto loc = location_in(doc);
  ASSERT_TRUE(loc.geo);
  EXPECT_EQ(loc.geo->lat, 51.5226);
  EXPECT_EQ(loc.geo->accuracy_m, 25.0);
  EXPECT_EQ(loc.method, "GPS");
}

}  // namespace
}  // namespace e911::locations::held_test
