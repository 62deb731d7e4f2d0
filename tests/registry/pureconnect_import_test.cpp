// Importing Genesys PureConnect E911 phone exports as registry stations:
// row mapping and diagnostics, YAML output and merge,

#include "registry/import/pureconnect_import.h"
#include "registry/import/station_merge.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>

#include "tests/support/files.h"
#include "tests/support/text_contains.h"

namespace e911::registry {
namespace {

const std::string kSample = test::source_dir() + "/tests/registry/data/pureconnect-phones.csv";

std::shared_ptr<const Registry> fixture_registry() {
  static const auto load = load_registry_file(test::shared_fixture("registry.yaml"));
  EXPECT_TRUE(load.ok());
  return load.registry;
}

std::vector<std::string> errors_of(const ImportResult& r, const std::string& file = "phones.csv") {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(format_import_diagnostic(file, e));
  return out;
}

std::string all(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

const std::string kHeader = "DisplayName,PhoneManufacturer,PhoneModel,NetworkID,IdentificationAddress,Extension,Site,Zone,Floor,Room\n";

// ---------------------------------------------------------------- mapping

TEST(PureConnectImport, ImportsTheSampleExportAgainstTheFixtureRegistry) {
  const auto r = import_pureconnect(test::read_file(kSample), fixture_registry().get());
  ASSERT_TRUE(r.ok()) << all(errors_of(r));
  ASSERT_EQ(r.stations.size(), 6u);
  const Station& jane = r.stations[0].station;
  EXPECT_EQ(r.stations[0].line, 2);
  EXPECT_EQ(jane.mac.to_string(), "00:04:f2:1a:20:01");
  EXPECT_EQ(jane.site, "london-hq");
  EXPECT_EQ(jane.zone, "london-l4");
  EXPECT_EQ(jane.room, "4.02");
  EXPECT_EQ(jane.extension, "5002");
  EXPECT_EQ(jane.name, "Smith, Jane");
  // Bare hex MAC, site by name, zone by floor.
  EXPECT_EQ(r.stations[1].station.mac.to_string(), "00:04:f2:1a:20:02");
  EXPECT_EQ(r.stations[1].station.site, "london-hq");
  EXPECT_EQ(r.stations[1].station.zone, "london-l2");
  // Cisco dotted MAC, zone by name, doubled quotes.
  EXPECT_EQ(r.stations[2].station.mac.to_string(), "00:04:f2:1a:20:03");
  EXPECT_EQ(r.stations[2].station.zone, "london-l4");
  EXPECT_EQ(r.stations[2].station.name, "Conference Room \"Thames\"");
  EXPECT_EQ(r.stations[2].station.room, "4.20, west wing");
  // Dashes, upper case.
  EXPECT_EQ(r.stations[3].station.mac.to_string(), "80:5e:c0:3b:11:04");
  // No Site: found by its address; zone by floor.
  EXPECT_EQ(r.stations[4].station.site, "austin-office");
  EXPECT_EQ(r.stations[4].station.zone, "austin-f1");
  // A room written over two lines; the next row's line number follows it.
  EXPECT_EQ(r.stations[5].station.room, "1.14 (north corner)");
  EXPECT_EQ(r.stations[5].station.name, "García, Lucía");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0], "ignoring columns not used for stations: \"Department\", \"DID\"");
  EXPECT_TRUE(r.warnings.empty());
}

TEST(PureConnectImport, ReportsEveryBadRowWithLineAndColumn) {
  const std::string csv = kHeader +
                          "Ann,Polycom,VVX 411,00:04:f2:1a:30:01,,5101,london-hq,london-l4,,4.01\n"  // 2: fine
                          "Bob,Polycom,VVX 411,00:04:f2,,5102,london-hq,london-l4,,\n"               // 3
                          "Cy,Polycom,VVX 411,00:04:f2:1a:30:01,,5103,london-hq,london-l4,,\n"       // 4: dup of 2
                          "Di,Polycom,VVX 411,00:04:F2:15:C2:85,,5104,london-hq,london-l4,,\n"       // 5: in registry
                          "Ed,Polycom,VVX 411,00:04:f2:1a:30:05,,5105,paris,,,\n"                    // 6
                          "Flo,Polycom,VVX 411,00:04:f2:1a:30:06,,5106,london-hq,level-9,,\n"        // 7
                          "Gus,Polycom,VVX 411,00:04:f2:1a:30:07,,5107,london-hq,austin-f1,,\n"      // 8
                          "Hal,Polycom,VVX 411,00:04:f2:1a:30:08,,5108,london-hq,london-l4,2,\n"     // 9
                          "Ida,Polycom,VVX 411,00:04:f2:1a:30:09,,5109,london-hq,,7,\n"              // 10
                          "Jo,Polycom,VVX 411,00:04:f2:1a:30:0a,00:04:f2:1a:30:0b,5110,london-hq,,,\n"  // 11
                          "Kim,Polycom,VVX 411,,,5111,london-hq,,,\n"                                // 12
                          "Lu,Polycom,VVX 411,00:04:f2:1a:30:0c,,5112,,,,\n"                         // 13
                          "Mo,Polycom,VVX 411,ff:ff:ff:ff:ff:ff,,5113,london-hq,,,\n"                // 14
                          "Ned,Polycom,VVX 411,01:00:5e:00:00:01,,5114,london-hq,,,\n"               // 15
                          "Oz,Polycom,00:04:f2:1a:30:0f,,5115,london-hq,,,\n"                        // 16: a field short
                          "Pia,Polycom,VVX 411,00:04:f2:1a:30:10,,5116,london-hq,,,\x01\n";          // 17
  const auto r = import_pureconnect(csv, fixture_registry().get());
  const auto e = errors_of(r);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.stations.size(), 1u) << all(e);
  test::expect_contains_all(all(e), {
      "phones.csv:3: NetworkID: not a MAC address: \"00:04:f2\"\n",
      "phones.csv:4: NetworkID: duplicate MAC 00:04:f2:1a:30:01 (also on line 2)",
      "phones.csv:5: NetworkID: MAC 00:04:f2:15:c2:85 is already a station in the registry "
          "(site london-hq, extension 5001)",
      "phones.csv:6: Site: unknown site \"paris\" (registry sites: london-hq, austin-office)",
      "phones.csv:7: Zone: unknown zone \"level-9\" in site london-hq (zones: london-l2, london-l4)",
      "phones.csv:8: Zone: zone \"austin-f1\" is in site austin-office, not in london-hq",
      "phones.csv:9: Floor: floor \"2\" does not match zone london-l4 (floor \"4\")",
      "phones.csv:10: Floor: site london-hq has no zone on floor \"7\" (floors: 2, 4)",
      "phones.csv:11: IdentificationAddress: MAC 00:04:f2:1a:30:0b differs from NetworkID "
          "00:04:f2:1a:30:0a",
      "phones.csv:12: NetworkID: missing: no MAC address in NetworkID or IdentificationAddress",
      "phones.csv:13: Site: missing",
      "phones.csv:14: NetworkID: not a phone's MAC address: ff:ff:ff:ff:ff:ff",
      "phones.csv:15: NetworkID: not a phone's MAC address: 01:00:5e:00:00:01 is a multicast",
      "phones.csv:16: has 9 fields, the header has 10",
      "phones.csv:17: Room: contains control characters",
  });
  EXPECT_EQ(r.errors.size(), 15u) << all(e);
}

TEST(PureConnectImport, ChecksAddressColumnsAgainstTheSite) {
  const std::string csv =
      "NetworkID,Site,Zone,Building,Street,HouseNumber,City,PostalCode,Country\n"
      "00:04:f2:1a:40:01,london-hq,london-l4,North Tower,Example Road,1,London,ec1a 1aa,gb\n"  // case, spaces
      "00:04:f2:1a:40:02,london-hq,london-l4,South Tower,Example Road,1,London,EC1A 1AA,GB\n"
      "00:04:f2:1a:40:03,london-hq,london-l4,,Other Street,1,London,EC1A 1AA,United Kingdom\n"
      "00:04:f2:1a:40:04,,,,Nowhere Lane,5,Leeds,LS1 1AA,GB\n"
      "00:04:f2:1a:40:05,,,,,,Austin,,US\n";
  const auto r = import_pureconnect(csv, fixture_registry().get());
  const auto e = errors_of(r, "p.csv");
  EXPECT_EQ(r.stations.size(), 1u) << all(e);
  test::expect_contains_all(all(e), {
      "p.csv:3: Building: \"South Tower\" does not match site london-hq (\"North Tower\")",
      "p.csv:4: Street: \"Other Street\" does not match site london-hq (\"Example Road\")",
      "p.csv:4: Country: \"United Kingdom\" does not match site london-hq (\"GB\"); use the ISO "
          "3166 two-letter code",
      "p.csv:5: Site: no registry site has this address",
      "p.csv:6: Site: missing: give the site, or Street/PostalCode to find it by address",
  });
  // Both rows of line 4 are reported, not only the first problem.
  EXPECT_EQ(r.errors.size(), 5u) << all(e);
}

TEST(PureConnectImport, MatchesHeadersLooselyAndComplainsAboutUnusableOnes) {
  // Any case and order, spaces and underscores, aliases.
  auto r = import_pureconnect("room,SITE_ID,Network ID,extension,Comment\n4.03,london-hq,00:04:f2:1a:50:01,5201,hi\n",
                              fixture_registry().get());
  ASSERT_TRUE(r.ok()) << all(errors_of(r));
  ASSERT_EQ(r.stations.size(), 1u);
  EXPECT_EQ(r.stations[0].station.room, "4.03");
  EXPECT_EQ(r.notes, std::vector<std::string>{"ignoring columns not used for stations: \"Comment\""});

  r = import_pureconnect("DisplayName;NetworkID;Site\nA;00:04:f2:1a:50:02;london-hq\n", nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errors_of(r)[0].find("phones.csv:1: no NetworkID column"), std::string::npos) << errors_of(r)[0];
  EXPECT_NE(errors_of(r)[0].find("';' or tabs"), std::string::npos) << errors_of(r)[0];

  r = import_pureconnect("NetworkID,Site,SiteId\n", nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(errors_of(r)[0], "phones.csv:1: SiteId: column \"SiteId\" repeats column \"Site\" (same meaning)");

  r = import_pureconnect("NetworkID,Extension\n00:04:f2:1a:50:03,1\n", nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errors_of(r)[0].find("phones.csv:1: no Site (or SiteId) column"), std::string::npos);

  r = import_pureconnect("", nullptr);
  EXPECT_EQ(errors_of(r), std::vector<std::string>{"phones.csv:1: empty file: no header row"});

  r = import_pureconnect(std::string("N\0e\0t\0", 6) + "\n", nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errors_of(r)[0].find("UTF-8"), std::string::npos) << errors_of(r)[0];
}

TEST(PureConnectImport, WithoutARegistryTakesSitesAsWrittenAndSaysWhatIsUnchecked) {
  const std::string csv = kHeader + "Ann,Polycom,VVX 411,00-04-F2-1A-60-01,sip:5301@pbx.example.com,5301,hq,l4,4,4.01\n"
                                    "Bo,Yealink,T54W,,SEP805EC03B6002,5302,hq,,,\n";
  const auto r = import_pureconnect(csv, nullptr);
  ASSERT_TRUE(r.ok()) << all(errors_of(r));
  ASSERT_EQ(r.stations.size(), 2u);
  EXPECT_EQ(r.stations[0].station.site, "hq");
  EXPECT_EQ(r.stations[0].station.zone, "l4");
  EXPECT_EQ(r.stations[1].station.mac.to_string(), "80:5e:c0:3b:60:02") << "IdentificationAddress stands in";
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("without --registry"), std::string::npos);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(format_import_diagnostic("p.csv", r.warnings[0]),
            "p.csv:3: no zone, floor or room: the station's location is all of site hq");
}

TEST(PureConnectImport, HostileFilesGiveClearErrorsNotCrashes) {
  const auto reg = fixture_registry();
  auto r = import_pureconnect(kHeader + "A,P,M,\"00:04:f2:1a:70:01,,1,london-hq,,,\n", reg.get());
  EXPECT_EQ(errors_of(r), std::vector<std::string>{
                              "phones.csv:2: unterminated quoted field: the quote opened on line 2 is never closed "
                              "(an unbalanced \"?)"});
  r = import_pureconnect(kHeader + "A,P,M," + std::string(100'000, 'f') + ",,1,london-hq,,,\n", reg.get());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(format_import_diagnostic("x.csv", r.errors[0]), "x.csv:2: NetworkID: field longer than 4096 bytes");
  r = import_pureconnect(kHeader + std::string("A,P,M,00:04:f2:1a:70:02,,1,london") + '\0' + "hq,,,\n", reg.get());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(errors_of(r)[0].find("phones.csv:2: Site: NUL byte"), std::string::npos) << errors_of(r)[0];
  r = import_pureconnect(kHeader + "A\xff,P,M,00:04:f2:1a:70:03,,1,london-hq,,,\n", reg.get());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(errors_of(r)[0].find("phones.csv:2: DisplayName: contains control characters or invalid UTF-8"),
            std::string::npos);
}

// ---------------------------------------------------------------- output

TEST(PureConnectOutput, StationsYamlQuotesWhatNeedsQuoting) {
  Station s{*MacAddress::parse("0004f21a8001"), "0042", "london-hq", "london-l4", "4: \"east\" #1", "null"};
  Station t{*MacAddress::parse("0004f21a8002"), "", "austin-office", "", "", "Ünal, Zoë"};
  const std::string yaml = stations_yaml({s, t});
  EXPECT_EQ(yaml.rfind("stations:\n  - {mac: \"00:04:f2:1a:80:01\", extension: \"0042\"", 0), 0u) << yaml;
  const YAML::Node root = YAML::Load(yaml);
  ASSERT_EQ(root["stations"].size(), 2u);
  EXPECT_EQ(root["stations"][0]["room"].as<std::string>(), "4: \"east\" #1");
  EXPECT_EQ(root["stations"][0]["name"].as<std::string>(), "null");
  EXPECT_EQ(root["stations"][0]["extension"].as<std::string>(), "0042");
  EXPECT_EQ(root["stations"][1]["name"].as<std::string>(), "Ünal, Zoë");
  EXPECT_FALSE(root["stations"][1]["zone"]) << "empty fields are left out";
  EXPECT_EQ(stations_yaml({}), "stations: []\n");
}

TEST(PureConnectOutput, MergedFixtureLoadsAndPlacesTheImportedPhones) {
  const std::string text = test::read_file(test::shared_fixture("registry.yaml"));
  const auto reg = fixture_registry();
  const auto r = import_pureconnect(test::read_file(kSample), reg.get());
  ASSERT_TRUE(r.ok());
  std::vector<Station> stations;
  for (const auto& s : r.stations) stations.push_back(s.station);
  const auto merged = merge_stations(text, stations, "phones.csv");
  ASSERT_TRUE(merged.ok()) << format_diagnostic("merged", merged.errors[0]);
  EXPECT_TRUE(merged.comments_preserved);
  EXPECT_EQ(merged.yaml.rfind(text.substr(0, text.find("stations:")), 0), 0u) << "the text before is unchanged";
  EXPECT_NE(merged.yaml.find("# imported from PureConnect: phones.csv"), std::string::npos);

  const auto load = load_registry(merged.yaml);
  ASSERT_TRUE(load.ok()) << format_diagnostic("merged", load.errors[0]);
  const auto& m = *load.registry;
  EXPECT_EQ(m.data().stations.size(), 7u);
  const auto* old = m.by_station(*MacAddress::parse("00:04:f2:15:c2:85"));
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(m.label_of(*old), reg->label_of(*reg->by_station(*MacAddress::parse("00:04:f2:15:c2:85"))));
  const auto* jane = m.by_station(*MacAddress::parse("00:04:f2:1a:20:01"));
  ASSERT_NE(jane, nullptr);
  EXPECT_EQ(m.address_of(*jane).floor, "4");
  EXPECT_EQ(m.address_of(*jane).room, "4.02");
  EXPECT_EQ(m.address_of(*jane).building, "North Tower");
  const auto* austin = m.by_station(*MacAddress::parse("00:04:f2:2b:30:01"));
  ASSERT_NE(austin, nullptr);
  EXPECT_EQ(m.site_of(*austin).id, "austin-office");
  EXPECT_EQ(m.address_of(*austin).floor, "1");
}

const char* kBase = R"(version: 1
notification_lists:
  sec:
    - {name: "Desk", email: "desk@example.com"}
sites:
  - id: a
    name: "Site A"
    notify: sec
    address: {country: GB, city: London, street: "Example Road", house_number: "1"}
    zones:
      - {id: a1, floor: "1"}
)";

std::vector<Station> two_new() {
  return {Station{*MacAddress::parse("00:04:f2:1a:90:01"), "1", "a", "a1", "1.01", "One"},
          Station{*MacAddress::parse("00:04:f2:1a:90:02"), "2", "a", "", "", "Two"}};
}

void expect_merges(const std::string& registry, std::size_t stations_after, bool comments_kept) {
  const auto merged = merge_stations(registry, two_new(), "x.csv");
  ASSERT_TRUE(merged.ok()) << format_diagnostic("merged", merged.errors[0]) << "\n" << merged.yaml;
  EXPECT_EQ(merged.comments_preserved, comments_kept) << merged.yaml;
  const auto load = load_registry(merged.yaml);
  ASSERT_TRUE(load.ok()) << merged.yaml;
  ASSERT_EQ(load.registry->data().stations.size(), stations_after) << merged.yaml;
  EXPECT_EQ(load.registry->data().stations.back().name, "Two");
  const auto* one = load.registry->by_station(*MacAddress::parse("00:04:f2:1a:90:01"));
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(load.registry->label_of(*one), "Site A, a1, Room 1.01");
}

TEST(PureConnectOutput, MergesIntoEveryCommonLayout) {
  // No stations section: one is added at the end.
  expect_merges(std::string(kBase) + "# trailing comment", 2, true);
  // An empty one, with a comment.
  expect_merges(std::string(kBase) + "stations: []   # none yet\n", 2, true);
  EXPECT_FALSE(merge_stations(std::string(kBase) + "stations:\n", two_new()).ok()) << "the loader wants a list";
  // A block list, at column 0, followed by another section and comments.
  const std::string block = "# head\nstations:\n- mac: \"00:04:f2:1a:90:09\"\n  site: a\n  # comment inside\n\n"
                            "# about the sites\n" +
                            std::string(kBase).substr(std::string("version: 1\n").size()) + "version: 1\n";
  expect_merges(block, 3, true);
  {
    const auto merged = merge_stations(block, two_new(), "x.csv");
    const auto at = merged.yaml.find("- {mac: \"00:04:f2:1a:90:01\"");
    ASSERT_NE(at, std::string::npos);
    EXPECT_LT(merged.yaml.find("site: a\n"), at);
    EXPECT_LT(at, merged.yaml.find("# comment inside")) << "entries go right after the last one\n" << merged.yaml;
  }
  // CRLF files stay CRLF.
  std::string crlf;
  for (char c : std::string(kBase) + "stations:\n  - {mac: \"00:04:f2:1a:90:09\", site: a}\n") {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  expect_merges(crlf, 3, true);
  EXPECT_EQ(merge_stations(crlf, two_new()).yaml.find("}\n"), std::string::npos);
  // A flow-style list cannot be spliced: re-emitted, still loads.
  expect_merges(std::string(kBase) + "stations: [{mac: \"00:04:f2:1a:90:09\", site: a}]\n", 3, false);
  // A registry with errors is refused.
  EXPECT_FALSE(merge_stations("version: 1\n", two_new()).ok());
  // A station of an unknown site makes the merged registry fail to load.
  auto bad = two_new();
  bad[0].site = "nowhere";
  const auto refused = merge_stations(kBase, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(format_diagnostic("m", refused.errors[0]).find("unknown site \"nowhere\""), std::string::npos);
}

}  // namespace
}  // namespace e911::registry
