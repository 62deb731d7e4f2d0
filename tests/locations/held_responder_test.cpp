// The HELD responder (held_responder.h): devices located against the shared
// reference registry with the locator's own resolution, the errors the RFC
// gives when they cannot be, and who is answered at all.

#include "producers/locations/held_responder.h"

#include <gtest/gtest.h>

#include <map>

#include "consumers/locator/locator_core.h"
#include "tests/locations/held_documents.h"

namespace e911::locations::held_test {
namespace {

constexpr EpochMillis kNow = 1'795'000'000'000;

class HeldResponderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = reference_registry();
    ASSERT_TRUE(registry_);
  }

  HeldAnswer ask(const std::string& device, const std::string& type = "") {
    return answer_location_request(request(device, type), registry_.get(), kNow);
  }

  // The answer is an error document with `code`; its message.
  std::string expect_error(const HeldAnswer& a, const std::string& code, HeldOutcome outcome) {
    EXPECT_EQ(a.outcome, outcome) << held_outcome_name(a.outcome);
    const auto s = shape_of(a.document);
    EXPECT_EQ(s.root, kHeldError) << a.document;
    EXPECT_EQ(s.code, code) << a.document;
    EXPECT_FALSE(s.message.empty());
    return s.message;
  }

  // The address the locator conveys for a call from the device.
  CivicAddress locator_address(const std::string& device_json) {
    locator::LocatorCore core(registry_);
    const std::string json =
        R"({"schema":"e911.call-event/v1","event_id":"ev-1","call_id":"c-1","type":"call.initiated",)"
        R"("occurred_at":"2026-11-21T10:00:00Z","dialed":"999","caller":{"user_id":"u-held","callback":"+442079460123"},"device":{)" +
        device_json + "}}";
    auto out = core.process(json);
    EXPECT_TRUE(out.call && out.call->location.address) << out.reason;
    return out.call && out.call->location.address ? *out.call->location.address : CivicAddress{};
  }

  std::shared_ptr<const registry::Registry> registry_;
};

TEST_F(HeldResponderTest, AnOfficeSubnetIsLocatedAsTheLocatorWouldConveyIt) {
  const auto a = ask(R"(<ip v="4">10.40.1.23</ip>)");
  ASSERT_EQ(a.outcome, HeldOutcome::located) << a.document;
  const auto s = shape_of(a.document);
  EXPECT_EQ(s.root, kHeldResponse);
  EXPECT_EQ(s.children, std::vector<std::string>{"{urn:ietf:params:xml:ns:pidf}presence"});
  const auto loc = location_in(a.document);
  ASSERT_TRUE(loc.address);
  EXPECT_EQ(*loc.address, locator_address(R"("ip":"10.40.1.23")"));
  EXPECT_EQ(loc.address->city, "London");
  EXPECT_EQ(loc.address->floor, "4");
  EXPECT_EQ(loc.method, "DHCP");
  EXPECT_EQ(loc.timestamp, kNow);
}

TEST_F(HeldResponderTest, Ipv6AndCampusWideSubnets) {
  auto loc = location_in(ask(R"(<ip v="6">2001:db8:40:1::17</ip>)").document);
  ASSERT_TRUE(loc.address);
  EXPECT_EQ(loc.address->floor, "4");

  // The campus range names the building only, as it does for a call.
  const auto a = ask(R"(<ip v="4">10.40.9.9</ip>)");
  ASSERT_EQ(a.outcome, HeldOutcome::located);
  loc = location_in(a.document);
  ASSERT_TRUE(loc.address);
  EXPECT_EQ(*loc.address, locator_address(R"("ip":"10.40.9.9")"));
  EXPECT_EQ(loc.address->building, "North Tower");
  EXPECT_EQ(loc.address->floor, "");
}

TEST_F(HeldResponderTest, AStationMacIsLocatedToItsRoom) {
  const auto a = ask("<mac>00-04-F2-15-C2-85</mac>");
  ASSERT_EQ(a.outcome, HeldOutcome::located) << a.document;
  const auto loc = location_in(a.document);
  ASSERT_TRUE(loc.address);
  EXPECT_EQ(loc.address->room, "4.01");
  EXPECT_EQ(loc.method, "Manual");
  EXPECT_NE(a.document.find("<dm:deviceID>mac:0004f215c285</dm:deviceID>"), std::string::npos) << a.document;
}

TEST_F(HeldResponderTest, AKamailioStyleUriIsLocatedByItsHost) {
  const auto a = ask("<uri>sip:5001@10.60.1.40:5060</uri>",
                     R"(<locationType exact="false">geodetic locationURI</locationType>)");
  ASSERT_EQ(a.outcome, HeldOutcome::located) << a.document;
  EXPECT_EQ(location_in(a.document).address->city, "Austin");
}

TEST_F(HeldResponderTest, AVpnAddressIsNotLocatable) {
  auto message = expect_error(ask(R"(<ip v="4">10.200.1.5</ip>)"), "notLocatable", HeldOutcome::not_locatable);
  EXPECT_NE(message.find("VPN"), std::string::npos) << message;
  // Behind the VPN even a known station says nothing, as for a call.
  expect_error(ask(R"(<ip v="4">10.200.1.5</ip><mac>00-04-F2-15-C2-85</mac>)"), "notLocatable",
               HeldOutcome::not_locatable);
  expect_error(ask(R"(<ip v="6">fd00:200::5</ip>)"), "notLocatable", HeldOutcome::not_locatable);
}

TEST_F(HeldResponderTest, AnUnknownDeviceIsLocationUnknown) {
  expect_error(ask(R"(<ip v="4">192.0.2.10</ip>)"), "locationUnknown", HeldOutcome::location_unknown);
  expect_error(ask("<mac>02-00-00-00-00-01</mac>"), "locationUnknown", HeldOutcome::location_unknown);
}

TEST_F(HeldResponderTest, LocationTypesThisLisCannotGiveExactly) {
  const std::string office = R"(<ip v="4">10.40.1.23</ip>)";
  expect_error(ask(office, R"(<locationType exact="true">locationURI</locationType>)"), "cannotProvideLiType",
               HeldOutcome::cannot_provide_li_type);
  expect_error(ask(office, R"(<locationType exact="true">civic geodetic</locationType>)"), "cannotProvideLiType",
               HeldOutcome::cannot_provide_li_type);
  EXPECT_EQ(ask(office, R"(<locationType exact="true">civic</locationType>)").outcome, HeldOutcome::located);
  EXPECT_EQ(ask(office, R"(<locationType exact="true">any</locationType>)").outcome, HeldOutcome::located);
  EXPECT_EQ(ask(office, "<locationType>locationURI</locationType>").outcome, HeldOutcome::located);
}

TEST_F(HeldResponderTest, RequestsItCannotAnswer) {
  expect_error(ask(""), "requestError", HeldOutcome::bad_request);  // no device
  expect_error(answer_location_request("<nope", registry_.get(), kNow), "xmlError", HeldOutcome::bad_request);
  expect_error(ask("<hostname>phone7.example.com</hostname>"), "badIdentifier", HeldOutcome::bad_identifier);
  expect_error(answer_location_request(request(R"(<ip v="4">10.40.1.23</ip>)"), nullptr, kNow), "generalLisError",
               HeldOutcome::lis_error);
}

// ------------------------------------------------------------ HTTP

class HeldHttpTest : public HeldResponderTest {
 protected:
  HeldResponder responder(const std::vector<std::string>& allowed) {
    HeldResponderOptions o;
    for (const auto& range : allowed) o.allowed_clients.push_back(*IpPrefix::parse(range));
    return HeldResponder(
        o, [r = registry_] { return r; }, [this](HeldOutcome outcome) { ++counts_[outcome]; }, [] { return kNow; });
  }

  static net::HttpRequest post(const std::string& client, const std::string& content_type = "application/held+xml") {
    net::HttpRequest r;
    r.method = "POST";
    r.target = r.path = "/held";
    r.client_address = client;
    if (!content_type.empty()) r.headers.push_back({"Content-Type", content_type});
    r.body = request(R"(<ip v="4">10.40.1.23</ip>)");
    return r;
  }

  std::map<HeldOutcome, int> counts_;
};

TEST_F(HeldHttpTest, AnAllowedProxyGetsTheAnswerAsHeldXml) {
  const auto held = responder({"192.0.2.0/28", "2001:db8:ff::/48"});
  EXPECT_EQ(held.path(), "/held");
  for (const auto& [client, type] : std::vector<std::pair<std::string, std::string>>{
           {"192.0.2.5", "application/held+xml"},
           {"2001:db8:ff::10", "Application/HELD+XML; charset=UTF-8"},
           {"::ffff:192.0.2.6", "application/held+xml;charset=\"utf-8\""}}) {
    const auto r = held.answer(post(client, type));
    EXPECT_EQ(r.status, 200) << client << " " << r.body;
    EXPECT_EQ(r.content_type, "application/held+xml; charset=utf-8");
    EXPECT_EQ(shape_of(r.body).root, kHeldResponse);
  }
  EXPECT_EQ(counts_[HeldOutcome::located], 3);
}

TEST_F(HeldHttpTest, HeldErrorsTravelIn200) {
  const auto held = responder({"192.0.2.0/28"});
  auto req = post("192.0.2.5");
  req.body = request(R"(<ip v="4">192.0.2.200</ip>)");
  const auto r = held.answer(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(shape_of(r.body).code, "locationUnknown");
  EXPECT_EQ(counts_[HeldOutcome::location_unknown], 1);
}

TEST_F(HeldHttpTest, RefusesOtherClientsMethodsAndMediaTypes) {
  const auto held = responder({"192.0.2.0/28"});
  auto r = held.answer(post("192.0.2.100"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body.find("London"), std::string::npos);
  EXPECT_EQ(held.answer(post("not an address")).status, 403);
  EXPECT_EQ(responder({}).answer(post("192.0.2.5")).status, 403);  // nobody, by default

  auto get = post("192.0.2.5");
  get.method = "GET";
  r = held.answer(get);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "POST");

  for (const std::string type : {"", "text/xml", "application/xml", "application/held+xml; charset=iso-8859-1"}) {
    EXPECT_EQ(held.answer(post("192.0.2.5", type)).status, 415) << type;
  }
  EXPECT_EQ(counts_[HeldOutcome::refused_client], 3);
  EXPECT_EQ(counts_[HeldOutcome::refused_method], 1);
  EXPECT_EQ(counts_[HeldOutcome::refused_media_type], 4);
  EXPECT_EQ(counts_[HeldOutcome::located], 0);
}

TEST_F(HeldHttpTest, NoRegistryLoadedIsAGeneralLisError) {
  HeldResponderOptions o;
  o.allowed_clients.push_back(*IpPrefix::parse("192.0.2.0/28"));
  const HeldResponder held(o, [] { return std::shared_ptr<const registry::Registry>(); });
  const auto r = held.answer(post("192.0.2.5"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(shape_of(r.body).code, "generalLisError");
}

TEST(HeldOutcomes, EveryOutcomeHasAName) {
  for (std::size_t i = 0; i < kHeldOutcomeCount; ++i) {
    EXPECT_FALSE(held_outcome_name(static_cast<HeldOutcome>(i)).empty());
  }
  EXPECT_EQ(held_outcome_name(HeldOutcome::refused_media_type), "refused-media-type");
}

}  // namespace
}  // namespace e911::locations::held_test
