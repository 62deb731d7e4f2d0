#include "registry/registry_loader.h"

#include <gtest/gtest.h>

#include "tests/support/files.h"

namespace e911::registry {
namespace {

const char* kMinimal = R"(version: 1
notification_lists:
  sec:
    - {name: "Desk", email: "desk@example.com", sms: "+442079460000"}
sites:
  - id: a
    name: "Site A"
    notify: sec
    address: {country: GB, city: London, street: "Example Road", house_number: "1"}
    subnets: ["10.1.0.0/16"]
)";

std::vector<std::string> errors_for(const std::string& yaml) {
  std::vector<std::string> out;
  for (const auto& d : load_registry(yaml).errors) out.push_back(format_diagnostic("r.yaml", d));
  return out;
}

// True if some error contains `needle`.
bool has_error(const std::vector<std::string>& errors, const std::string& needle) {
  for (const auto& e : errors) {
    if (e.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(RegistryLoader, LoadsTheSharedReferenceRegistry) {
  auto load = load_registry_file(test::shared_fixture("registry.yaml"));
  ASSERT_TRUE(load.ok()) << (load.errors.empty() ? "" : format_diagnostic("registry.yaml", load.errors[0]));
  const auto& r = *load.registry;
  EXPECT_EQ(r.data().sites.size(), 2u);
  EXPECT_EQ(r.data().stale_after, 12 * 3600 * 1000);
  const auto* place = r.by_subnet(*IpAddress::parse("10.40.1.23"));
  ASSERT_NE(place, nullptr);
  EXPECT_EQ(r.label_of(*place), "London HQ, Level 4");
  EXPECT_EQ(r.address_of(*place).floor, "4");
  EXPECT_EQ(r.address_of(*place).building, "North Tower");
  const auto* port = r.by_switch_port("00:1b:54:aa:00:01", "gi1/0/12");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->room, "4.12");
  EXPECT_EQ(r.by_switch_port("00:1b:54:aa:00:01", "Gi1/0/13"), nullptr);
  EXPECT_NE(r.by_access_point(*MacAddress::parse("00-11-22-33-44-55")), nullptr);
  EXPECT_NE(r.by_station(*MacAddress::parse("0004.f215.c285")), nullptr);
  EXPECT_TRUE(r.in_vpn_range(*IpAddress::parse("10.200.3.4")));
  EXPECT_TRUE(r.in_vpn_range(*IpAddress::parse("fd00:200::1")));
  EXPECT_NE(r.by_subnet(*IpAddress::parse("2001:db8:40:1::23")), nullptr);
  EXPECT_TRUE(load_registry(kMinimal).ok());
}

TEST(RegistryLoader, ReportsEachProblemWithLineAndPath) {
  std::string bad = kMinimal;
  bad.replace(bad.find("10.1.0.0/16"), 11, "10.1.0.0/33");
  auto errors = errors_for(bad);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "r.yaml:10:15: sites[a].subnets[0]: not an IP prefix (bad length): \"10.1.0.0/33\"");
}

TEST(RegistryLoader, CatchesTheMistakesAdminsMake) {
  const std::string yaml = R"(version: 1
defaults: {stale_after: 12 hours}
dial_prefixes: ["9x"]
countries:
  UK: {emergency: ["999"]}
  US: {emergency: ["9-1-1"]}
vpn_ranges: ["10.200.0.0/16"]
notification_lists:
  sec:
    - {name: "Desk", email: "desk@example", sms: "07700 900123"}
    - {name: "Hook", webhook: "ftp://example.com/x"}
    - {name: "Nobody"}
sites:
  - id: a
    notify: secc
    address: {country: XX, city: London, flor: "2"}
    subnets: ["10.1.0.0/16", "10.200.1.0/24"]
    zones:
      - {id: z1, subnets: ["10.1.1.1/24"], access_points: ["00:11:22:33:44"]}
      - {id: z2, subnet: ["10.1.2.0/24"]}
  - id: b
    notify: sec
    address: {country: GB, city: London, street: "X"}
    zones:
      - {id: z1, subnets: ["10.1.2.0/24"]}
stations:
  - {mac: "00:04:f2:15:c2:85", site: nowhere}
  - {mac: "not-a-mac", site: a}
)";
  const auto errors = errors_for(yaml);
  for (const char* needle : {
           "r.yaml:2:", "defaults.stale_after: not a duration",
           "dial_prefixes[0]: a dial prefix is 1 to 4 digits",
           "countries.UK: not an ISO 3166-1 alpha-2 country code",
           "countries.US.emergency[0]: an emergency or test number is 1 to 8 digits",
           "notification_lists.sec[0].email: not a valid email address: \"desk@example\"",
           "notification_lists.sec[0].sms: not an E.164 number",
           "notification_lists.sec[1].webhook: not an http(s) URL",
           "notification_lists.sec[2]: has no channel",
           "sites[a].notify: unknown notification list \"secc\"",
           "sites[a].address.country: not an ISO 3166-1 alpha-2",
           "sites[a].address: unknown address field \"flor\"",
           "overlaps VPN range 10.200.0.0/16",
           "sites[a].zones[z1].subnets[0]: IP prefix has host bits set",
           "sites[a].zones[z1].access_points[0]: not a MAC address",
           "sites[a].zones[1]: unknown key \"subnet\"",
           "duplicate zone id \"z1\"",
           "subnet 10.1.2.0/24 of site b overlaps subnet 10.1.0.0/16 of site a",
           "stations[0]: unknown site \"nowhere\"",
           "stations[1].mac: not a MAC address",
       }) {
    EXPECT_TRUE(has_error(errors, needle)) << "missing error: " << needle;
  }
  for (const auto& e : errors) EXPECT_TRUE(e.starts_with("r.yaml:")) << e;
}

// Shared numbers and ELIN pools: E.164 each, none twice in a list, an ELIN
// in one pool only (it is one address in the carrier's ALI).
TEST(RegistryLoader, SharedNumbersAndElinPools) {
  // Both documents up to their sites: the notification list `sec` they notify.
  const std::string up_to_sites = R"(version: 1
notification_lists:
  sec: [{name: "Desk", sms: "+15125550100"}]
sites:
)";
  const std::string good = up_to_sites + R"(  - id: austin
    notify: sec
    address: {country: US, state: TX, city: Austin, street: "Congress Ave", house_number: "500"}
    shared_numbers: ["+15125550000", "+15125550001"]
    elins: ["+15125550190"]
    zones:
      - {id: austin-2, floor: "2", elins: ["+15125550191", "+15125550192"]}
)";
  const auto load = registry::load_registry(good);
  ASSERT_TRUE(load.ok()) << (load.errors.empty() ? "" : load.errors.front().message);
  const auto* site = load.registry->site("austin");
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(site->shared_numbers, (std::vector<std::string>{"+15125550000", "+15125550001"}));
  EXPECT_EQ(site->elins, std::vector<std::string>{"+15125550190"});
  EXPECT_EQ(site->zones.at(0).elins, (std::vector<std::string>{"+15125550191", "+15125550192"}));

  const std::string bad = up_to_sites + R"(  - id: a
    notify: sec
    address: {country: US, city: Austin, street: "X"}
    shared_numbers: ["512 555 0000", "+15125550001", "+15125550001"]
    elins: ["+15125550190", "+1512"]
    zones:
      - {id: z1, elins: ["+15125550190"]}
      - {id: z2, elins: "+15125550193"}
)";
  const auto errors = errors_for(bad);
  for (const char* needle : {
           "sites[a].shared_numbers[0]: not an E.164 number (must start with +)",
           "sites[a].shared_numbers[2]: +15125550001 is listed twice",
           "sites[a].elins[1]: not a valid phone number for any region: \"+1512\"",
           "sites[a].zones[z1].elins[0]: ELIN +15125550190 is also in the pool of sites[a]",
           "sites[a].zones[z2].elins: expected a list",
       }) {
    EXPECT_TRUE(has_error(errors, needle)) << "missing error: " << needle;
  }
}

// The directory the ingest keys callers by (ingest.user_id.directory).
TEST(RegistryLoader, DirectoryMapsSipIdentitiesToUserIds) {
  const auto load = load_registry(std::string(kMinimal) + R"(directory:
  - user_id: jsmith
    uris: ["sip:jsmith@Corp.Example.com", "sips:john.smith@corp.example.com:5061;transport=tls"]
    numbers: ["+15125550101"]
    extensions: ["5001"]
  - {user_id: adoe, uris: ["sip:+15125550142;phone-context=corp@pbx.example.com"]}
  - {user_id: jsmith, email: "john.smith@example.com"}
)");
  ASSERT_TRUE(load.ok()) << (load.errors.empty() ? "" : format_diagnostic("r.yaml", load.errors.front()));
  ASSERT_TRUE(load.registry->has_directory());
  const auto& r = load.registry->directory();
  const auto user = [](const std::string* u) { return u ? *u : std::string("(none)"); };
  EXPECT_EQ(user(r.user_for_uri("jsmith", "corp.example.com")), "jsmith");
  EXPECT_EQ(user(r.user_for_uri("jsmith", "CORP.example.COM")), "jsmith");   // hosts in any case
  EXPECT_EQ(user(r.user_for_uri("john.smith", "corp.example.com")), "jsmith");  // sips:, port and params dropped
  EXPECT_EQ(user(r.user_for_uri("JSmith", "corp.example.com")), "(none)");     // the user part is case-sensitive
  EXPECT_EQ(user(r.user_for_uri("jsmith", "other.example.com")), "(none)");
  EXPECT_EQ(user(r.user_for_uri("+15125550142", "pbx.example.com")), "adoe");  // user parameters dropped
  EXPECT_EQ(user(r.user_for_number("+15125550101")), "jsmith");
  EXPECT_EQ(user(r.user_for_extension("5001")), "jsmith");
  EXPECT_EQ(user(r.user_for_extension("5002")), "(none)");
  // Where the location service's reminders go.
  EXPECT_EQ(user(r.email_for_user("jsmith")), "john.smith@example.com");
  EXPECT_EQ(user(r.email_for_user("adoe")), "(none)");
  EXPECT_FALSE(load_registry(kMinimal).registry->has_directory());
}

TEST(RegistryLoader, DirectoryMistakesAreNamed) {
  const auto errors = errors_for(std::string(kMinimal) + R"(directory:
  - {user_id: a, uris: ["jsmith@corp.example.com", "sip:@corp.example.com"], numbers: ["+1 512 555 0101"]}
  - {user_id: b, extensions: ["50011234567"], uri: ["sip:x@y"]}
  - {user_id: c, uris: ["sip:dup@corp.example.com"], extensions: ["5001"]}
  - {user_id: d, uris: ["sip:DUP@corp.example.com", "sip:dup@CORP.example.com"], extensions: ["5001"]}
  - {user_id: e}
  - {uris: ["sip:f@corp.example.com"]}
  - {user_id: g, email: "g at example.com"}
  - {user_id: c, email: "c@example.com"}
  - {user_id: c, email: "c2@example.com"}
)");
  for (const char* needle : {
           "directory[0].uris[0]: not a sip: or sips: URI with a user and a host: \"jsmith@corp.example.com\"",
           "directory[0].uris[1]: not a sip: or sips: URI",
           "directory[0].numbers[0]: not a valid E.164 number",
           "directory[1].extensions[0]: not an extension (1 to 8 digits)",
           "directory[1]: unknown key \"uri\"",
           "directory[3].uris[1]: dup@corp.example.com is also listed for user \"c\"",
           "directory[3].extensions[0]: 5001 is also listed for user \"c\"",
           "directory[4]: no uris, numbers, extensions or email",
           "directory[5]: missing user_id",
           "directory[6].email: not a valid email address: \"g at example.com\"",
           "directory[8].email: user \"c\" already has \"c@example.com\"",
       }) {
    EXPECT_TRUE(has_error(errors, needle)) << "missing error: " << needle << "\n" << testing::PrintToString(errors);
  }
  EXPECT_FALSE(has_error(errors, "directory[3].uris[0]")) << "DUP is another user part than dup";
}

TEST(RegistryLoader, SyntaxErrorsAndWrongShapes) {
  EXPECT_TRUE(has_error(errors_for("version: 1\nsites: [\n"), "YAML syntax error"));
  EXPECT_TRUE(has_error(errors_for(""), "the registry is empty"));
  EXPECT_TRUE(has_error(errors_for("- 1\n- 2\n"), "expected a mapping"));
  EXPECT_TRUE(has_error(errors_for("version: 2\nsites: []\n"), "unsupported registry version \"2\""));
  EXPECT_TRUE(has_error(errors_for("version: 1\nsites: {a: 1}\n"), "sites: expected a list"));
  EXPECT_TRUE(has_error(errors_for("version: 1\n"), "missing sites"));
}

}  // namespace
}  // namespace e911::registry
