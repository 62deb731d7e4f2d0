// The registry's decoders: the site registry YAML (`e911 registry check`,
// every component's start and reload) and the PureConnect phone export
// (`e911 registry import-pureconnect`), with the merge that writes the
// imported stations into a registry file.

#include "registry/import/pureconnect_import.h"
#include "registry/import/station_merge.h"
#include "registry/registry_loader.h"
#include "tests/fuzz/decoders/fuzz_modes.h"

namespace e911::fuzz {
namespace {

std::string first_error(const std::vector<registry::Diagnostic>& errors) {
  return errors.empty() ? std::string() : registry::format_diagnostic("merged", errors.front());
}

// A MAC no station of `r` has.
MacAddress unused_mac(const registry::Registry& r) {
  for (std::uint64_t bits = 0x02005e005301;; ++bits) {
    if (!r.by_station(MacAddress(bits))) return MacAddress(bits);
  }
}

}  // namespace

const registry::Registry& demo_registry() {
  static const auto load = registry::load_registry(demo_registry_yaml());
  if (!load.ok()) invariant_failed("the demo registry loads", __FILE__, __LINE__, first_error(load.errors));
  return *load.registry;
}

void registry_yaml(std::string_view input) {
  const auto load = registry::load_registry(input);
  if (!load.ok()) {
    E911_FUZZ_EXPECT(!load.errors.empty());
    return;
  }
  // A registry that loads takes one more station at its first site, in
  // whatever layout it is written.
  const auto& data = load.registry->data();
  if (data.sites.empty()) return;
  registry::Station station;
  station.mac = unused_mac(*load.registry);
  station.extension = "5999";
  station.site = data.sites.front().id;
  if (!data.sites.front().zones.empty()) station.zone = data.sites.front().zones.front().id;
  station.name = "Fuzz \"Phone\" #1: a: b";
  const auto merged = registry::merge_stations(input, {station}, "fuzz.csv");
  E911_FUZZ_EXPECT_EQ(first_error(merged.errors), std::string());
}

void pureconnect_csv(std::string_view input) {
  // Without a registry, and against the demo's: its stations then merge
  // into it.
  (void)registry::import_pureconnect(input, nullptr);
  const auto result = registry::import_pureconnect(input, &demo_registry());
  if (!result.ok() || result.stations.empty()) return;
  std::vector<registry::Station> stations;
  for (const auto& s : result.stations) stations.push_back(s.station);
  (void)registry::stations_yaml(stations);
  const auto merged = registry::merge_stations(demo_registry_yaml(), stations, "phones.csv");
  E911_FUZZ_EXPECT_EQ(first_error(merged.errors), std::string());
}

}  // namespace e911::fuzz
