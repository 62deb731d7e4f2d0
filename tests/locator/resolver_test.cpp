// Location resolution edge cases (DESIGN.md "Edge cases that must be
// handled"), each against the shared reference registry.

#include <gtest/gtest.h>

#include <algorithm>

#include "consumers/locator/locator_core.h"
#include "registry/registry_loader.h"
#include "tests/support/files.h"

namespace e911::locator {
namespace {

class ResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto load = registry::load_registry_file(test::shared_fixture("registry.yaml"));
    ASSERT_TRUE(load.ok());
    core_ = std::make_unique<LocatorCore>(load.registry);
  }

  // A call.initiated event; `device` and `extra` are raw JSON members.
  std::optional<EmergencyCall> call(const std::string& dialed, const std::string& device,
                                    const std::string& site = "london-hq", const std::string& user = "u-1",
                                    const std::string& at = "2026-11-21T10:00:00Z", const std::string& extra = "") {
    const std::string n = std::to_string(++seq_);
    const std::string json = R"({"schema":"e911.call-event/v1","event_id":"ev-)" + n + R"(","call_id":"c-)" + n +
                             R"(","type":"call.initiated","occurred_at":")" + at + R"(","dialed":")" + dialed +
                             R"(","caller":{"user_id":")" + user + R"(","callback":"+15125550100"},"device":{)" +
                             device + "}" + (site.empty() ? "" : R"(,"site_id":")" + site + "\"") + extra + "}";
    auto outcome = core_->process(json);
    EXPECT_NE(outcome.kind, Outcome::Kind::rejected) << outcome.reason << "\n" << json;
    return outcome.call;
  }

  void register_user(const std::string& user, const std::string& address, const std::string& network_ip,
                     const std::string& at = "2026-11-21T09:00:00Z") {
    const std::string json = R"({"schema":"e911.location-update/v1","event_id":"lu-)" + std::to_string(++seq_) +
                             R"(","occurred_at":")" + at + R"(","user_id":")" + user + R"(","address":)" +
                             address + (network_ip.empty() ? "" : R"(,"network":{"ip":")" + network_ip + "\"}") +
                             "}";
    auto outcome = core_->process(json);
    ASSERT_EQ(outcome.kind, Outcome::Kind::location_applied) << outcome.reason;
  }

  static bool has(const EmergencyCall& c, std::string_view w) {
    return std::find(c.warnings.begin(), c.warnings.end(), w) != c.warnings.end();
  }

  std::unique_ptr<LocatorCore> core_;
  int seq_ = 0;
};

const char* kHome = R"({"country":"GB","city":"Leeds","street":"Park Row","house_number":"3"})";

TEST_F(ResolverTest, VpnAddressIsNotUsedEvenInsideACampusRange) {
  // device.vpn says the IP is a tunnel end even when it looks like an office one.
  auto c = call("999", R"("ip":"10.40.1.23","vpn":true)");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->location.source, "none");
  EXPECT_EQ(c->routing, "ecrc");
  EXPECT_TRUE(has(*c, "vpn"));
  EXPECT_FALSE(has(*c, "unknown-network"));
  EXPECT_EQ(c->notify, "london-security");
}

TEST_F(ResolverTest, VpnRangeFromRegistryFallsBackToRegisteredLocation) {
  register_user("u-2", kHome, "192.0.2.10");
  auto c = call("999", R"("ip":"10.200.9.9")", "london-hq", "u-2");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->location.source, "registered");
  EXPECT_TRUE(c->location.dispatchable);
  EXPECT_EQ(c->warnings, std::vector<std::string_view>{"vpn"});
  EXPECT_EQ(c->country, "GB");
}

// A registered location says whether the address validation provider
// confirmed it (the update's `validated`, false when absent); no other
// source says anything of it.
TEST_F(ResolverTest, ARegisteredLocationSaysWhetherItWasValidated) {
  register_user("u-2", kHome, "192.0.2.10");
  auto c = call("999", R"("ip":"10.200.9.9")", "london-hq", "u-2");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->location.validated, std::optional<bool>(false));
  EXPECT_NE(encode_emergency_call(*c).find(R"("registered_at":"2026-11-21T09:00:00.000Z","validated":false})"),
            std::string::npos)
      << encode_emergency_call(*c);
  const auto outcome = core_->process(
      R"({"schema":"e911.location-update/v1","event_id":"lu-v","occurred_at":"2026-11-21T09:30:00Z",)"
      R"("user_id":"u-2","validated":true,"address":)" + std::string(kHome) + R"(,"network":{"ip":"192.0.2.10"}})");
  ASSERT_EQ(outcome.kind, Outcome::Kind::location_applied) << outcome.reason;
  c = call("999", R"("ip":"10.200.9.9")", "london-hq", "u-2");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->location.validated, std::optional<bool>(true));

  auto subnet = call("112", R"("ip":"10.40.1.23")", "london-hq", "u-2");
  ASSERT_TRUE(subnet);
  EXPECT_EQ(subnet->location.source, "subnet");
  EXPECT_EQ(subnet->location.validated, std::nullopt);
  EXPECT_EQ(encode_emergency_call(*subnet).find("validated"), std::string::npos);
}

TEST_F(ResolverTest, IPv6SubnetAndMappedIPv4) {
  auto v6 = call("112", R"("ip":"2001:db8:40:1::77")");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->location.source, "subnet");
  EXPECT_EQ(v6->location.zone_id, "london-l4");
  auto mapped = call("112", R"("ip":"::ffff:10.40.2.7")");
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->location.zone_id, "london-l2");
}

TEST_F(ResolverTest, CampusRangeGivesBuildingLevelLocation) {
  auto c = call("999", R"("ip":"10.40.77.1")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->location.source, "subnet");
  EXPECT_EQ(c->location.site_id, "london-hq");
  EXPECT_EQ(c->location.zone_id, "");
  EXPECT_EQ(c->location.label, "London HQ");
  EXPECT_TRUE(c->location.dispatchable);
}

TEST_F(ResolverTest, KnownChassisWithUnlistedPortFallsThroughToNextSource) {
  auto c = call("999", R"("ip":"10.40.2.5","lldp":{"chassis_id":"00:1b:54:aa:00:01","port_id":"Gi1/0/99"})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->location.source, "subnet");
  EXPECT_EQ(c->location.zone_id, "london-l2");
}

TEST_F(ResolverTest, MacsMatchInAnyNotation) {
  auto port = call("999", R"("lldp":{"chassis_id":"001B.54AA.0001","port_id":"Gi1/0/12"})");
  ASSERT_TRUE(port);
  EXPECT_EQ(port->location.source, "switch-port");
  auto ap = call("999", R"("bssid":"00-11-22-33-44-55")");
  ASSERT_TRUE(ap);
  EXPECT_EQ(ap->location.source, "access-point");
  auto station = call("999", R"("mac":"0004F215C285")");
  ASSERT_TRUE(station);
  EXPECT_EQ(station->location.source, "station");
  EXPECT_EQ(station->location.address->room, "4.01");
}

TEST_F(ResolverTest, CallerPhysicallyAtAnotherSiteAlertsThatSite) {
  auto c = call("911", R"("ip":"10.40.1.9")", "austin-office");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->location.site_id, "london-hq");
  EXPECT_TRUE(has(*c, "site-mismatch"));
  EXPECT_EQ(c->notify, "london-security");
  EXPECT_EQ(c->country, "GB");
  // 911 is not an emergency number in GB per the registry, but it is at the
  // telephony site (US): the call still alerts.
  EXPECT_EQ(c->call_class, "emergency");
}

TEST_F(ResolverTest, PublicWifiUnknownNetworkWithoutRegistration) {
  auto c = call("911", R"("ip":"203.0.113.5","bssid":"aa:bb:cc:dd:ee:ff")", "austin-office", "u-coffee");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->location.source, "none");
  EXPECT_FALSE(c->location.dispatchable);
  EXPECT_EQ(c->routing, "ecrc");
  EXPECT_TRUE(has(*c, "unknown-network"));
  EXPECT_EQ(c->notify, "austin-security");
}

TEST_F(ResolverTest, NomadRegistrationOlderThanStaleAfterIsFlagged) {
  register_user("u-3", kHome, "192.0.2.10", "2026-11-20T08:00:00Z");
  auto c = call("999", R"("ip":"192.0.2.10")", "london-hq", "u-3", "2026-11-21T10:00:00Z");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->location.source, "registered");
  EXPECT_TRUE(has(*c, "stale-location"));
  EXPECT_TRUE(c->location.dispatchable);
}

TEST_F(ResolverTest, SameHomeNetworkAfterDhcpChangeIsNotStale) {
  register_user("u-4", kHome, "192.0.2.10");
  auto c = call("999", R"("ip":"192.0.2.77")", "london-hq", "u-4");
  ASSERT_TRUE(c);
  EXPECT_FALSE(has(*c, "stale-location"));
}

TEST_F(ResolverTest, OlderLocationUpdateDoesNotReplaceNewer) {
  register_user("u-5", kHome, "192.0.2.10", "2026-11-21T09:00:00Z");
  const std::string old_update =
      R"({"schema":"e911.location-update/v1","event_id":"lu-old","occurred_at":"2026-11-21T07:00:00Z","user_id":"u-5",)"
      R"("address":{"country":"GB","city":"York","street":"Old St","house_number":"1"}})";
  EXPECT_EQ(core_->process(old_update).kind, Outcome::Kind::location_ignored);
  auto c = call("999", R"("ip":"192.0.2.10")", "london-hq", "u-5");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->location.address->city, "Leeds");
}

TEST_F(ResolverTest, MultiDwellingNeedsUnitOrFloorAndRoom) {
  register_user("u-6", R"({"country":"US","city":"Austin","street":"Main St","house_number":"9","multi_dwelling":true,"floor":"3"})",
                "198.51.100.9");
  auto missing = call("911", R"("ip":"198.51.100.9")", "austin-office", "u-6");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->location.dispatchable);
  EXPECT_EQ(missing->routing, "psap");
  EXPECT_TRUE(has(*missing, "missing-unit"));
  register_user("u-6", R"({"country":"US","city":"Austin","street":"Main St","house_number":"9","multi_dwelling":true,"floor":"3","room":"301"})",
                "198.51.100.9", "2026-11-21T09:30:00Z");
  auto ok = call("911", R"("ip":"198.51.100.9")", "austin-office", "u-6");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->location.dispatchable);
  EXPECT_FALSE(has(*ok, "missing-unit"));
}

TEST_F(ResolverTest, HotDeskLocationFollowsTheUserSessionNotTheDevice) {
  // Two users in turn on one shared softphone device at home: each call uses
  // its own user's registration, never the previous user's.
  register_user("u-a", kHome, "192.0.2.10");
  register_user("u-b", R"({"country":"GB","city":"York","street":"Stonegate","house_number":"8"})", "192.0.2.10");
  auto a = call("999", R"("id":"shared-1","ip":"192.0.2.10")", "london-hq", "u-a");
  auto b = call("999", R"("id":"shared-1","ip":"192.0.2.10")", "london-hq", "u-b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->location.address->city, "Leeds");
  EXPECT_EQ(b->location.address->city, "York");
  // In the office the network wins over anyone's home registration.
  auto office = call("999", R"("id":"shared-1","ip":"10.40.2.3")", "london-hq", "u-a");
  ASSERT_TRUE(office);
  EXPECT_EQ(office->location.source, "subnet");
}

TEST_F(ResolverTest, EndpointGeolocationWhenNothingElseIsKnown) {
  auto c = call("112", R"("ip":"203.0.113.5","geo":{"lat":51.5,"lon":-0.12,"accuracy_m":25})", "london-hq", "u-geo");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->location.source, "endpoint");
  EXPECT_FALSE(c->location.dispatchable);
  EXPECT_EQ(c->routing, "psap");
  ASSERT_TRUE(c->location.geo);
  EXPECT_DOUBLE_EQ(c->location.geo->lat, 51.5);
  EXPECT_NE(c->pidf_lo.find("51.5"), std::string::npos);
}

TEST_F(ResolverTest, TestCallsAndDialPrefixesAndNonEmergency) {
  auto test_call = call("933", R"("ip":"10.60.1.3")", "austin-office");
  ASSERT_TRUE(test_call);
  EXPECT_EQ(test_call->call_class, "test");
  auto prefixed = call("9-911", R"("ip":"10.60.1.3")", "austin-office");
  ASSERT_TRUE(prefixed);
  EXPECT_TRUE(has(*prefixed, "dial-prefix"));
  EXPECT_FALSE(call("5125550199", R"("ip":"10.60.1.3")", "austin-office"));
  EXPECT_FALSE(call("99", R"("ip":"10.60.1.3")", "austin-office"));
  // 933 is a US test number, not a GB one.
  EXPECT_FALSE(call("933", R"("ip":"10.40.1.3")", "london-hq"));
}

TEST_F(ResolverTest, UnknownSiteAndNoNetworkStillAlertsSomebodyOrSaysSo) {
  auto c = call("112", "", "", "u-nobody");
  // No location, no site: the country comes from the callback number (US),
  // where 112 is an emergency number for libphonenumber but the registry's
  // US entry lists only 911.
  EXPECT_FALSE(c);
  auto d = call("911", "", "", "u-nobody");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->country, "US");
  EXPECT_EQ(d->location.source, "none");
  EXPECT_EQ(d->notify, "");
}

TEST_F(ResolverTest, DuplicateEventIdIsHandledOnce) {
  const std::string json =
      R"({"schema":"e911.call-event/v1","event_id":"dup-1","call_id":"c-d","type":"call.initiated",)"
      R"("occurred_at":"2026-11-21T10:00:00Z","dialed":"999","caller":{"user_id":"u-1"},"device":{"ip":"10.40.1.2"}})";
  EXPECT_EQ(core_->process(json).kind, Outcome::Kind::emergency_call);
  EXPECT_EQ(core_->process(json).kind, Outcome::Kind::duplicate);
}

}  // namespace
}  // namespace e911::locator
