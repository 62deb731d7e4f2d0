// e911 resolve: the locator's logic offline, over JSON lines (CONTRACT.md
// "Resolving offline").

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/line_reader.h"
#include "cli/options.h"
#include "common/text.h"
#include "consumers/locator/locator_core.h"
#include "registry/registry_loader.h"

namespace e911::cli {

namespace {
constexpr const char* kHelp =
    "usage: e911 resolve --registry FILE [--max-line-bytes N] < events.jsonl > emergency-calls.jsonl\n"
    "\n"
    "Reads call events and location updates (JSON lines, in order) on standard\n"
    "input, through the same code the locator consumer runs, and writes one JSON\n"
    "line per emergency or test call (call.initiated only) to standard output.\n"
    "Invalid lines are reported on standard error as `line N: reason`; the rest\n"
    "are still processed and the exit status is then 1.\n"
    "\n"
    "  --registry FILE        site registry (YAML); required\n"
    "  --max-line-bytes N     longest accepted line (default 65536)\n";
}

int run_resolve(Args args) {
  Options opts(args, {"--registry", "--max-line-bytes"}, {});
  if (opts.help()) {
    std::cout << kHelp;
    return 0;
  }
  if (!opts.ok() || !opts.value("--registry") || !opts.positional().empty()) {
    std::cerr << "e911 resolve: " << (opts.ok() ? "--registry FILE is required" : opts.error()) << "\n" << kHelp;
    return 2;
  }
  JsonLimits limits;
  if (const auto v = opts.value("--max-line-bytes")) {
    try {
      limits.max_bytes = std::stoul(*v);
    } catch (const std::exception&) {
      std::cerr << "e911 resolve: --max-line-bytes: not a number: " << quote_for_message(*v) << "\n";
      return 2;
    }
  }
  const std::string registry_path = *opts.value("--registry");
  auto load = registry::load_registry_file(registry_path);
  if (!load.ok()) {
    for (const auto& d : load.errors) std::cerr << registry::format_diagnostic(registry_path, d) << "\n";
    std::cerr << "e911 resolve: the registry is not valid; nothing resolved\n";
    return 2;
  }

  locator::LocatorCore core(load.registry, 1'000'000, limits);
  LineReader reader(stdin, limits.max_bytes);
  std::string line;
  bool too_long = false;
  bool any_bad = false;
  static char out_buffer[1 << 16];
  std::setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
  while (reader.next(line, too_long)) {
    if (too_long) {
      std::fprintf(stderr, "line %zu: line longer than %zu bytes\n", reader.line_number(), limits.max_bytes);
      any_bad = true;
      continue;
    }
    if (trim(line).empty()) continue;
    auto outcome = core.process(line);
    using Kind = locator::Outcome::Kind;
    if (outcome.kind == Kind::rejected) {
      std::fprintf(stderr, "line %zu: %s\n", reader.line_number(), outcome.reason.c_str());
      any_bad = true;
    } else if (outcome.kind == Kind::emergency_call) {
      const std::string json = encode_emergency_call(*outcome.call);
      std::fwrite(json.data(), 1, json.size(), stdout);
      std::fputc('\n', stdout);
    }
  }
  std::fflush(stdout);
  return any_bad ? 1 : 0;
}

}  // namespace e911::cli
