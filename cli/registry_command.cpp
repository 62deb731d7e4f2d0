// e911 registry: validate a site registry before deploying it, and import
// stations from other systems.

#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "common/text.h"
#include "registry/import/pureconnect_import.h"
#include "registry/import/station_merge.h"
#include "registry/registry_loader.h"

namespace e911::cli {

namespace {
constexpr const char* kHelp =
    "usage: e911 registry check FILE...\n"
    "       e911 registry import-pureconnect [--registry FILE [--merge]] CSV\n"
    "\n"
    "  check FILE...   validate registry files: YAML syntax, unknown keys, prefixes,\n"
    "                  MACs, switch ports, overlapping subnets of two sites, VPN\n"
    "                  ranges, list references, country codes, E.164 numbers,\n"
    "                  email addresses and webhook URLs. Each problem is printed as\n"
    "                  FILE:LINE:COLUMN: PATH: MESSAGE. Exit status 0 when every\n"
    "                  file is valid, 1 otherwise.\n"
    "  import-pureconnect CSV\n"
    "                  turn a Genesys PureConnect E911 phone export into registry\n"
    "                  stations (`e911 registry import-pureconnect --help`).\n";

constexpr const char* kImportHelp =
    "usage: e911 registry import-pureconnect [--registry FILE [--merge]] CSV\n"
    "\n"
    "Reads a Genesys PureConnect (Interaction Center) E911 phone export (CSV,\n"
    "RFC 4180, UTF-8) and writes registry stations as YAML to standard output.\n"
    "\n"
    "  --registry FILE  check every row against this registry: sites and zones\n"
    "                   must exist (ids or names), Floor picks the zone, the\n"
    "                   address columns must agree with the site's, and MACs\n"
    "                   already listed as stations are errors\n"
    "  --merge          write the whole registry FILE with the stations added\n"
    "                   (comments kept), checked by the registry loader, instead\n"
    "                   of only the `stations:` section\n"
    "\n"
    "Columns (header names in any case and order; others are ignored):\n"
    "  NetworkID (the MAC, any notation), IdentificationAddress, DisplayName,\n"
    "  Extension, PhoneManufacturer, PhoneModel, Site or SiteId, Zone or ZoneId,\n"
    "  Building, Floor, Room, Street, HouseNumber, City, State, PostalCode (or Zip),\n"
    "  Country. See docs/registry.md \"Importing PureConnect phones\".\n"
    "\n"
    "Every invalid row is reported on standard error as CSV:LINE: COLUMN: MESSAGE\n"
    "and nothing is written. Exit status: 0 imported, 1 some row is invalid (or\n"
    "the merged registry does not load), 2 usage error or unreadable files.\n";

constexpr std::size_t kMaxInputBytes = 64u << 20;

// The whole file, or nullopt with a message on stderr.
std::optional<std::string> read_input(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "e911 registry import-pureconnect: cannot read " << what << " " << quote_for_message(path, 200)
              << "\n";
    return std::nullopt;
  }
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxInputBytes) {
      std::cerr << "e911 registry import-pureconnect: " << what << " " << quote_for_message(path, 200)
                << " is larger than " << (kMaxInputBytes >> 20) << " MiB\n";
      return std::nullopt;
    }
  }
  if (in.bad()) {
    std::cerr << "e911 registry import-pureconnect: error reading " << what << " " << quote_for_message(path, 200)
              << "\n";
    return std::nullopt;
  }
  return text;
}

int import_pureconnect(Args args) {
  Options opts(args, {"--registry"}, {"--merge"});
  if (opts.help()) {
    std::cout << kImportHelp;
    return 0;
  }
  const char* usage_error = nullptr;
  if (!opts.ok()) usage_error = opts.error().c_str();
  else if (opts.positional().size() != 1) usage_error = "give exactly one CSV file";
  else if (opts.flag("--merge") && !opts.value("--registry")) usage_error = "--merge needs --registry FILE";
  if (usage_error) {
    std::cerr << "e911 registry import-pureconnect: " << usage_error << "\n" << kImportHelp;
    return 2;
  }
  const std::string csv_path = opts.positional()[0];

  std::string registry_text;
  std::shared_ptr<const registry::Registry> registry;
  if (const auto path = opts.value("--registry")) {
    auto text = read_input(*path, "registry");
    if (!text) return 2;
    auto load = registry::load_registry(*text);
    if (!load.ok()) {
      for (const auto& d : load.errors) std::cerr << registry::format_diagnostic(*path, d) << "\n";
      std::cerr << "e911 registry import-pureconnect: the registry is not valid (e911 registry check "
                << *path << "); nothing imported\n";
      return 2;
    }
    registry_text = std::move(*text);
    registry = load.registry;
  }
  const auto csv = read_input(csv_path, "CSV file");
  if (!csv) return 2;

  const auto result = registry::import_pureconnect(*csv, registry.get());
  for (const auto& note : result.notes) std::cerr << csv_path << ": note: " << note << "\n";
  for (const auto& w : result.warnings) {
    const registry::ImportDiagnostic shown{w.line, "warning", (w.column.empty() ? "" : w.column + ": ") + w.message};
    std::cerr << registry::format_import_diagnostic(csv_path, shown) << "\n";
  }
  if (!result.ok()) {
    for (const auto& e : result.errors) std::cerr << registry::format_import_diagnostic(csv_path, e) << "\n";
    std::cerr << csv_path << ": " << result.errors.size() << " error" << (result.errors.size() == 1 ? "" : "s")
              << "; nothing written\n";
    return 1;
  }
  std::vector<registry::Station> stations;
  std::map<std::string, std::size_t> per_site;
  for (const auto& s : result.stations) {
    stations.push_back(s.station);
    ++per_site[s.station.site];
  }
  if (opts.flag("--merge")) {
    const auto merged = registry::merge_stations(registry_text, stations, csv_path);
    if (!merged.ok()) {
      for (const auto& d : merged.errors) std::cerr << registry::format_diagnostic("(merged registry)", d) << "\n";
      std::cerr << "e911 registry import-pureconnect: the merged registry does not load; nothing written\n";
      return 1;
    }
    if (!merged.comments_preserved) {
      std::cerr << "e911 registry import-pureconnect: note: the registry's layout could not be kept; it is "
                   "written re-formatted, without its comments\n";
    }
    std::cout << merged.yaml;
  } else {
    std::cout << registry::stations_yaml(stations);
  }
  std::cout.flush();
  std::string sites;
  for (const auto& [site, count] : per_site) sites += (sites.empty() ? "" : ", ") + site + " " + std::to_string(count);
  std::cerr << csv_path << ": " << stations.size() << " station" << (stations.size() == 1 ? "" : "s") << " imported"
            << (sites.empty() ? "" : " (" + sites + ")") << "\n";
  return 0;
}

int check(const std::vector<std::string>& files) {
  int status = 0;
  for (const auto& file : files) {
    const auto load = registry::load_registry_file(file);
    if (!load.ok()) {
      for (const auto& d : load.errors) std::cerr << registry::format_diagnostic(file, d) << "\n";
      std::cerr << file << ": " << load.errors.size() << " error" << (load.errors.size() == 1 ? "" : "s") << "\n";
      status = 1;
      continue;
    }
    const auto& data = load.registry->data();
    std::size_t zones = 0, ports = 0, aps = 0;
    for (const auto& s : data.sites) {
      zones += s.zones.size();
      for (const auto& z : s.zones) {
        ports += z.switch_ports.size();
        aps += z.access_points.size();
      }
    }
    std::cout << file << ": OK: " << data.sites.size() << " sites, " << zones << " zones, " << ports
              << " switch ports, " << aps << " access points, " << data.stations.size() << " stations, "
              << data.notification_lists.size() << " notification lists\n";
  }
  return status;
}

}  // namespace

int run_registry(Args args) {
  if (!args.empty() && args[0] == "import-pureconnect") return import_pureconnect(args.subspan(1));
  Options opts(args, {}, {});
  if (opts.help() || (opts.ok() && opts.positional().empty())) {
    (opts.help() ? std::cout : std::cerr) << kHelp;
    return opts.help() ? 0 : 2;
  }
  if (!opts.ok()) {
    std::cerr << "e911 registry: " << opts.error() << "\n" << kHelp;
    return 2;
  }
  const auto& pos = opts.positional();
  if (pos[0] == "check") {
    if (pos.size() < 2) {
      std::cerr << "e911 registry check: give at least one FILE\n";
      return 2;
    }
    return check({pos.begin() + 1, pos.end()});
  }
  std::cerr << "e911 registry: unknown subcommand '" << pos[0] << "'\n" << kHelp;
  return 2;
}

}  // namespace e911::cli
