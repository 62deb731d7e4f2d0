// e911 simulate: the traffic simulator's events as JSON lines on standard
// output, for `e911 resolve`, for kcat into a real cluster, or for tests.

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/command_line.h"
#include "cli/options.h"
#include "common/timestamp.h"
#include "registry/registry_loader.h"
#include "producers/simulator/traffic.h"

namespace e911::cli {

namespace {

constexpr const char* kHelp =
    "usage: e911 simulate --registry FILE [--events N] [--emergency-share F]\n"
    "                     [--seed N] [--start RFC3339] [--keys]\n"
    "\n"
    "Writes simulated call events and location updates, one JSON document per\n"
    "line, to standard output: every scenario the registry supports (office\n"
    "floors, desk phones, Wi-Fi, home workers with and without VPN, coffee-shop,\n"
    "nomad, 933 test calls, visitors, dial prefixes) mixed with non-emergency\n"
    "background traffic. Deterministic for a seed.\n"
    "\n"
    "  --registry FILE        the site registry the traffic is drawn from\n"
    "  --events N             how many lines (default 1000)\n"
    "  --emergency-share F    share of lines taken from the emergency scenarios,\n"
    "                         0 to 1 (default 0.05)\n"
    "  --seed N               default 1\n"
    "  --start TIME           simulated clock start (default: now)\n"
    "  --keys                 prefix each line with its Kafka key and a tab\n"
    "                         (kcat -K'\\t'); location updates and call events then\n"
    "                         belong on different topics: see the \"schema\" field\n"
    "\n"
    "e.g.  e911 simulate --registry r.yaml --events 1000000 | e911 resolve --registry r.yaml\n";

}  // namespace

int run_simulate(Args args) {
  const CommandLine command("simulate", kHelp, args, {"--registry", "--events", "--emergency-share", "--seed", "--start"}, {"--keys"});
  if (const auto done = command.early_exit()) return *done;
  const Options& opts = command.options();
  const auto registry_path = opts.value("--registry");
  if (!registry_path) return command.usage_error("--registry FILE is required");

  const auto events = parse_whole_number(opts.value("--events").value_or("1000"));
  if (!events) return command.usage_error("--events must be a whole number");
  const auto share = parse_decimal(opts.value("--emergency-share").value_or("0.05"));
  if (!share || *share < 0 || *share > 1) return command.usage_error("--emergency-share must be a number from 0 to 1");
  const auto seed = parse_whole_number(opts.value("--seed").value_or("1"));
  if (!seed) return command.usage_error("--seed must be a whole number");
  EpochMillis start = now_millis();
  if (const auto text = opts.value("--start")) {
    const auto parsed = parse_rfc3339(*text);
    if (!parsed) return command.usage_error("--start must be an RFC 3339 time, e.g. 2026-11-21T10:00:00Z");
    start = *parsed;
  }

  auto load = registry::load_registry_file(*registry_path);
  if (!load.ok()) {
    for (const auto& d : load.errors) std::cerr << registry::format_diagnostic(*registry_path, d) << "\n";
    return 1;
  }
  const bool keys = opts.flag("--keys");
  simulator::TrafficSimulator sim(load.registry, *seed, start);
  std::string line;
  sim.mix(*events, *share, [&](simulator::SimEvent&& e) {
    line.clear();
    if (keys) {
      line += e.key;
      line += '\t';
    }
    line += e.payload;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
  });
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace e911::cli
