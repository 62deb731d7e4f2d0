// Decoding e911.emergency-call/v1 documents into what alerts need.

#include "consumers/notifier/emergency_call_view.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/notifier/alert_fixtures.h"
#include "tests/notifier/locator_output.h"
#include "tests/support/files.h"

namespace e911::notifier {
namespace {

using test_data::with;

std::string example(const std::string& name) {
  return test::read_file(test::source_dir() + "/schemas/examples/emergency-call/" + name);
}

std::string error_of(const std::string& payload) {
  auto r = decode_emergency_call(payload);
  return r ? std::string("(accepted)") : r.error().message;
}

TEST(EmergencyCallView, DecodesARealLocatorDocument) {
  auto r = decode_emergency_call(test_data::kLondonSubnet);
  ASSERT_TRUE(r) << r.error().message;
  const auto& v = *r;
  EXPECT_EQ(v.call_id, "c-1");
  EXPECT_EQ(v.call_class, CallClass::emergency);
  EXPECT_FALSE(v.is_test());
  EXPECT_EQ(v.dialed, "112");
  EXPECT_EQ(format_rfc3339(*v.occurred_at), "2026-11-21T10:15:00.120Z");
  EXPECT_EQ(v.caller.name, "John Smith");
  EXPECT_EQ(v.caller.extension, "5001");
  EXPECT_EQ(v.caller.callback, "+442079460101");
  EXPECT_EQ(v.site_id, "london-hq");
  EXPECT_EQ(v.location.source, "subnet");
  EXPECT_TRUE(v.location.dispatchable);
  EXPECT_EQ(v.location.site_id, "london-hq");
  EXPECT_EQ(v.location.zone_id, "london-l4");
  EXPECT_EQ(v.location.label, "London HQ, Level 4");
  ASSERT_TRUE(v.location.address);
  EXPECT_EQ(one_line(*v.location.address), "North Tower, 1 Example Road, Floor 4, London EC1A 1AA, GB");
  EXPECT_FALSE(v.location.geo);
  EXPECT_EQ(v.routing, Routing::psap);
  EXPECT_TRUE(v.warnings.empty());
  EXPECT_EQ(v.notify, "london-security");
  EXPECT_EQ(v.country, "GB");
}

TEST(EmergencyCallView, DecodesVpnEcrcAndTestCalls) {
  auto vpn = decode_emergency_call(test_data::kParisVpn);
  ASSERT_TRUE(vpn) << vpn.error().message;
  EXPECT_EQ(vpn->location.source, "registered");
  EXPECT_TRUE(vpn->location.address->multi_dwelling);
  EXPECT_EQ(vpn->warnings, std::vector<std::string>{"vpn"});
  EXPECT_TRUE(vpn->has_warning("vpn"));
  EXPECT_FALSE(vpn->has_warning("missing-unit"));
  EXPECT_EQ(vpn->location.validated, std::optional<bool>(true));

  auto ecrc = decode_emergency_call(test_data::kNoLocationEcrc);
  ASSERT_TRUE(ecrc) << ecrc.error().message;
  EXPECT_EQ(ecrc->routing, Routing::ecrc);
  EXPECT_EQ(ecrc->location.source, "none");
  EXPECT_FALSE(ecrc->location.dispatchable);
  EXPECT_FALSE(ecrc->location.address);
  EXPECT_EQ(ecrc->warnings, std::vector<std::string>{"unknown-network"});

  auto test_call = decode_emergency_call(test_data::kTestCall933);
  ASSERT_TRUE(test_call) << test_call.error().message;
  EXPECT_TRUE(test_call->is_test());
  EXPECT_EQ(test_call->dialed, "933");
}

TEST(EmergencyCallView, DecodesEverySchemaExample) {
  const auto dir = test::source_dir() + "/schemas/examples/emergency-call";
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    auto r = decode_emergency_call(test::read_file(entry.path().string()));
    EXPECT_TRUE(r) << entry.path() << ": " << r.error().message;
    ++seen;
  }
  EXPECT_GE(seen, 6);
}

TEST(EmergencyCallView, NullsAndAbsentOptionalsBecomeEmpty) {
  auto r = decode_emergency_call(example("no-location-ecrc-nulls.json"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->country, "");
  EXPECT_EQ(r->notify, "");
  EXPECT_EQ(r->caller.name, "");
  EXPECT_EQ(r->site_id, "");

  auto minimum = decode_emergency_call(example("contract-minimum.json"));
  ASSERT_TRUE(minimum) << minimum.error().message;
  EXPECT_FALSE(minimum->occurred_at);  // optional in the schema
}

TEST(EmergencyCallView, ReadsDeviceGeolocation) {
  auto r = decode_emergency_call(example("endpoint-geo-test-call.json"));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->location.geo);
  EXPECT_DOUBLE_EQ(r->location.geo->lat, 30.2672);
  EXPECT_DOUBLE_EQ(r->location.geo->lon, -97.7431);
  EXPECT_DOUBLE_EQ(*r->location.geo->accuracy_m, 12.5);
}

TEST(EmergencyCallView, DecodesEveryCallTheLocatorWritesForTheSharedFixtures) {
  const auto& lines = test_data::resolved_fixture_calls();
  ASSERT_GE(lines.size(), 10u);
  for (const auto& line : lines) {
    auto r = decode_emergency_call(line);
    EXPECT_TRUE(r) << line << "\n" << r.error().message;
  }
}

TEST(EmergencyCallView, KeepsUnknownWarningCodesAndDropsRepeats) {
  auto r = decode_emergency_call(with(test_data::kParisVpn, R"("warnings":["vpn"])",
                                      R"("warnings":["vpn","satellite-phone","vpn"])"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->warnings, (std::vector<std::string>{"vpn", "satellite-phone"}));
}

TEST(EmergencyCallView, AllowsUnknownFields) {
  auto r = decode_emergency_call(with(test_data::kLondonSubnet, R"("call_id":"c-1",)",
                                      R"("call_id":"c-1","future":{"nested":[1,2]},)"));
  EXPECT_TRUE(r) << r.error().message;
}

TEST(EmergencyCallView, RejectionsNameTheField) {
  const auto& doc = test_data::kLondonSubnet;
  EXPECT_EQ(error_of(with(test_data::kParisVpn, R"("validated":true)", R"("validated":"yes")")),
            "location.validated: expected a boolean, got string");
  EXPECT_EQ(error_of(with(doc, R"("call_id":"c-1",)", "")), "call_id: missing");
  EXPECT_EQ(error_of(with(doc, R"("call_id":"c-1")", R"("call_id":"  ")")), "call_id: empty");
  EXPECT_EQ(error_of(with(doc, R"("class":"emergency")", R"("class":"drill")")),
            "class: unknown call class \"drill\" (expected emergency or test)");
  EXPECT_EQ(error_of(with(doc, R"("dialed":"112")", R"("dialed":112)")), "dialed: expected a string, got number");
  EXPECT_EQ(error_of(with(doc, R"("occurred_at":"2026-11-21T10:15:00.120Z")", R"("occurred_at":"yesterday")")),
            "occurred_at: not an RFC 3339 timestamp: \"yesterday\"");
  EXPECT_EQ(error_of(with(doc, R"("country":"GB")", R"("country":"XX")")),
            "country: not an ISO 3166-1 alpha-2 code: \"XX\"");
  EXPECT_EQ(error_of(with(doc, R"("caller":{)", R"("caller":"John","x":{)")),
            "caller: expected an object, got string");
  EXPECT_EQ(error_of(with(doc, R"("caller":{)", R"("caller":null,"x":{)")), "caller: expected an object, got null");
  EXPECT_EQ(error_of(with(doc, R"("name":"John Smith")", R"("name":["John"])")),
            "caller.name: expected a string, got array");
  EXPECT_EQ(error_of(with(doc, R"("name":"John Smith")", R"("name":"John\u0000Smith")")),
            "caller.name: contains control characters");
  EXPECT_EQ(error_of(with(doc, R"("routing":"psap")", R"("routing":"satellite")")),
            "routing: unknown routing \"satellite\" (expected psap or ecrc)");
  EXPECT_EQ(error_of(with(doc, R"("warnings":[])", R"("warnings":"vpn")")), "warnings: expected an array, got string");
  EXPECT_EQ(error_of(with(doc, R"("warnings":[])", R"("warnings":["vpn",7])")),
            "warnings[1]: expected a string, got number");
  EXPECT_EQ(error_of(with(doc, R"("warnings":[],)", "")), "warnings: missing");
  EXPECT_EQ(error_of(with(doc, R"("notify":"london-security")", R"("notify":false)")),
            "notify: expected a string, got boolean");
}

TEST(EmergencyCallView, LocationRejectionsNameTheField) {
  const auto& doc = test_data::kLondonSubnet;
  EXPECT_EQ(error_of(with(doc, R"("source":"subnet")", R"("source":"gps")")),
            "location.source: unknown location source \"gps\"");
  EXPECT_EQ(error_of(with(doc, R"("dispatchable":true,)", "")), "location.dispatchable: missing");
  EXPECT_EQ(error_of(with(doc, R"("dispatchable":true)", R"("dispatchable":"yes")")),
            "location.dispatchable: expected a boolean, got string");
  EXPECT_EQ(error_of(with(doc, R"("address":{"country":"GB",)", R"("address":{"country":"ZZ",)")),
            "location.address.country: not an ISO 3166-1 alpha-2 code: \"ZZ\"");
  EXPECT_EQ(error_of(with(doc, R"("address":{"country":"GB",)", R"("address":{)")),
            "location.address.country: missing");
  EXPECT_EQ(error_of(with(doc, R"("method":"DHCP",)", R"("geo":{"lat":95,"lon":0},)")),
            "location.geo.lat: out of range [-90, 90]");
  EXPECT_EQ(error_of(with(doc, R"("location":{)", R"("location":null,"x":{)")),
            "location: expected an object, got null");
  EXPECT_EQ(error_of(with(doc, R"("location":{)", R"("x":{)")), "location: missing");
}

TEST(EmergencyCallView, RejectsOtherSchemasAndMalformedJson) {
  const auto& doc = test_data::kLondonSubnet;
  EXPECT_EQ(error_of(with(doc, "e911.emergency-call/v1", "e911.emergency-call/v2")),
            "schema: unsupported version \"e911.emergency-call/v2\" (this build reads e911.emergency-call/v1)");
  EXPECT_EQ(error_of(with(doc, "e911.emergency-call/v1", "e911.call-event/v1")),
            "schema: not an emergency call: \"e911.call-event/v1\"");
  EXPECT_EQ(error_of(R"({"call_id":"c-1"})"), "schema: missing");
  EXPECT_EQ(error_of("[1,2]"), "expected a JSON object, got array");
  EXPECT_EQ(error_of(""), "empty payload");
  EXPECT_EQ(error_of(doc.substr(0, 40)).rfind("invalid JSON at offset", 0), 0u);
  EXPECT_EQ(error_of(std::string(70000, ' ')), "payload too large: 70000 bytes (limit 65536)");
}

// Bad input never crashes the notifier: every prefix of a real document and
// every single-byte corruption of it decodes or is rejected with a reason.
TEST(EmergencyCallView, HostileInputIsRejectedNeverCrashes) {
  const auto& doc = test_data::kParisVpn;
  for (std::size_t n = 0; n < doc.size(); n += 7) {
    auto r = decode_emergency_call(doc.substr(0, n));
    ASSERT_FALSE(r) << n;
    EXPECT_FALSE(r.error().message.empty());
  }
  for (std::size_t i = 0; i < doc.size(); i += 5) {
    for (char c : {'\0', '"', '{', ']', '\xff', '\x80', '\\'}) {
      std::string bad = doc;
      bad[i] = c;
      auto r = decode_emergency_call(bad);
      if (!r) {
        EXPECT_FALSE(r.error().message.empty());
      }
    }
  }
}

}  // namespace
}  // namespace e911::notifier
