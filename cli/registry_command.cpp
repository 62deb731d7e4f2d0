// e911 registry: validate a site registry before deploying it, and import
// stations from other systems.

#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "consumers/locator/registry_loader.h"

namespace e911::cli {

namespace {
constexpr const char* kHelp =
    "usage: e911 registry check FILE...\n"
    "\n"
    "  check FILE...   validate registry files: YAML syntax, unknown keys, prefixes,\n"
    "                  MACs, switch ports, overlapping subnets of two sites, VPN\n"
    "                  ranges, list references, country codes, E.164 numbers,\n"
    "                  email addresses and webhook URLs. Each problem is printed as\n"
    "                  FILE:LINE:COLUMN: PATH: MESSAGE. Exit status 0 when every\n"
    "                  file is valid, 1 otherwise.\n";

int check(const std::vector<std::string>& files) {
  int status = 0;
  for (const auto& file : files) {
    const auto load = locator::load_registry_file(file);
    if (!load.ok()) {
      for (const auto& d : load.errors) std::cerr << locator::format_diagnostic(file, d) << "\n";
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
