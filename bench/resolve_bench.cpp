// `e911 resolve`'s per-event path (LocatorCore::process: decode, validate,
// de-duplicate, resolve, encode) over a million mixed events, 95% of them
// non-emergency, against a registry of 100,000 sites with 1,000,000
// registered users; reports events/s, the RSS of that state, and the
// process's peak RSS (which includes the events held in memory).
//   build/bench/resolve_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "common/emergency_call.h"
#include "consumers/locator/locator_core.h"
#include "registry/registry.h"
#include "producers/simulator/traffic.h"

namespace {

using namespace e911;

constexpr std::size_t kSites = 100'000;
constexpr std::size_t kUsers = 1'000'000;
constexpr std::size_t kEvents = 1'000'000;

long rss_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
  }
  return 0;
}

// `sites` sites of two floors each; with `elin_pools`, four ELINs per floor.
std::shared_ptr<const registry::Registry> site_registry(std::size_t sites, bool elin_pools) {
  registry::RegistryData d;
  d.countries["US"] = {{"911"}, {"933"}};
  d.dial_prefixes = {"9"};
  d.vpn_ranges.push_back(IpPrefix::parse("10.200.0.0/16").value());
  d.notification_lists["sec"] = {"sec", {{"Desk", "desk@example.com", "+15125550100", ""}}};
  for (std::size_t s = 0; s < sites; ++s) {
    registry::Site site;
    site.id = "site-" + std::to_string(s);
    site.name = "Site " + std::to_string(s);
    site.notify = "sec";
    site.address.country = "US";
    site.address.city = "Austin";
    site.address.street = "Congress Ave";
    site.address.house_number = std::to_string(s);
    // Each site: a /22 campus with two /24 floors, in 10.0.0.0/8 and 172.16.0.0/12.
    const std::uint32_t base = 0x0b000000u + static_cast<std::uint32_t>(s) * 1024u;
    site.subnets.emplace_back(IpAddress::v4(base), 22);
    for (int f = 0; f < 2; ++f) {
      registry::Zone z;
      z.id = site.id + "-f" + std::to_string(f);
      z.name = "Floor " + std::to_string(f);
      z.floor = std::to_string(f);
      z.subnets.emplace_back(IpAddress::v4(base + static_cast<std::uint32_t>(f) * 256u), 24);
      for (int e = 0; elin_pools && e < 4; ++e) {
        z.elins.push_back("+1512" + std::to_string(1'000'000 + s * 8 + static_cast<std::size_t>(f) * 4 + e));
      }
      site.zones.push_back(std::move(z));
    }
    d.sites.push_back(std::move(site));
  }
  return registry::Registry::build(std::move(d));
}

std::shared_ptr<const registry::Registry> big_registry() { return site_registry(kSites, false); }

void BM_ResolveMixedEvents(benchmark::State& state) {
  static auto registry = big_registry();
  static const std::unique_ptr<locator::LocatorCore> core = [] {
    auto c = std::make_unique<locator::LocatorCore>(registry, kEvents);
    LocationUpdate u;
    u.occurred_at = *parse_rfc3339("2026-11-21T08:00:00Z");
    u.address.country = "US";
    u.address.state = "TX";
    u.address.city = "Austin";
    u.address.street = "Example Avenue";
    u.address.postal_code = "78701";
    for (std::size_t i = 0; i < kUsers; ++i) {
      u.event_id = "reg-" + std::to_string(i);
      u.user_id = "u-reg-" + std::to_string(i);
      u.address.house_number = std::to_string(i % 5000);
      u.network_ip = IpAddress::v4(0xc6336400u + static_cast<std::uint32_t>(i % 256));
      c->locations().apply(u);
    }
    return c;
  }();
  // The resident state: registry, registered users, duplicate memory
  // (measured before the benchmark's own copy of the events exists).
  static const long state_rss_kib = rss_kib("VmRSS:");
  static std::vector<std::string> events = [] {
    simulator::TrafficSimulator sim(registry, 7, *parse_rfc3339("2026-11-21T10:00:00Z"));
    std::vector<std::string> out;
    for (auto& e : sim.mix(kEvents, 0.05)) out.push_back(std::move(e.payload));
    return out;
  }();

  std::size_t i = 0;
  std::size_t emergency = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto outcome = core->process(events[i]);
    if (outcome.call) {
      const auto json = encode_emergency_call(*outcome.call);
      bytes += json.size();
      ++emergency;
    }
    ++i;  // exactly kEvents iterations: every event is seen once
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["emergency_share"] = static_cast<double>(emergency) / static_cast<double>(state.iterations());
  state.counters["state_rss_MiB"] = static_cast<double>(state_rss_kib) / 1024.0;
  // Includes the benchmark's million events held in memory (~0.5 GiB).
  state.counters["peak_rss_MiB"] = static_cast<double>(rss_kib("VmHWM:")) / 1024.0;
  state.counters["registry_index_MiB"] = static_cast<double>(registry->memory_bytes()) / (1 << 20);
  state.counters["registered_users"] = static_cast<double>(kUsers);
}

BENCHMARK(BM_ResolveMixedEvents)->Iterations(kEvents)->Unit(benchmark::kMicrosecond);

// Emergency calls only (every event takes the ELIN path when there is a
// pool), 1,000 sites: Arg 0 without ELIN pools, 1 with four ELINs per floor.
// The ratio of the two, measured in the same run, is the cost of ELINs.
void BM_ResolveEmergencyCalls(benchmark::State& state) {
  constexpr std::size_t kCalls = 200'000;
  const bool elins = state.range(0) == 1;
  const auto registry = site_registry(1'000, elins);
  locator::LocatorCore core(registry, kCalls);
  simulator::TrafficSimulator sim(registry, 11, *parse_rfc3339("2026-11-21T10:00:00Z"));
  std::vector<std::string> events;
  for (auto& e : sim.mix(kCalls, 1.0)) events.push_back(std::move(e.payload));
  std::size_t i = 0, calls = 0, with_elin = 0, bytes = 0;
  for (auto _ : state) {
    auto outcome = core.process(events[i % events.size()]);
    if (outcome.call) {
      ++calls;
      if (!outcome.call->elin.empty()) ++with_elin;
      bytes += encode_emergency_call(*outcome.call).size();
    }
    ++i;
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["elin_share"] = calls ? static_cast<double>(with_elin) / static_cast<double>(calls) : 0;
}

BENCHMARK(BM_ResolveEmergencyCalls)->Arg(0)->Arg(1)->Iterations(200'000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
