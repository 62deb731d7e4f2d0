// Longest-prefix match throughput and memory with a million random prefixes
// per family (issue: >= 20 M IPv4 and >= 5 M IPv6 lookups/s on one core).
//   build/bench/subnet_index_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "registry/subnet_index.h"

namespace {

using e911::IpAddress;
using e911::IpPrefix;
using e911::uint128;
using e911::registry::SubnetIndex;

constexpr std::size_t kPrefixes = 1'000'000;
constexpr std::size_t kQueries = 1 << 20;

// Prefix lengths roughly as in enterprise and Internet tables: mostly /24
// (IPv4) and /48../64 (IPv6), with shorter aggregates.
int v4_length(std::mt19937_64& rng) {
  const auto r = rng() % 100;
  if (r < 60) return 24;
  if (r < 75) return 16 + static_cast<int>(rng() % 8);
  if (r < 95) return 25 + static_cast<int>(rng() % 8);
  return 8 + static_cast<int>(rng() % 8);
}

int v6_length(std::mt19937_64& rng) {
  const auto r = rng() % 100;
  if (r < 50) return 64;
  if (r < 80) return 48;
  return 32 + static_cast<int>(rng() % 33);
}

struct Fixture {
  SubnetIndex index;
  std::vector<IpAddress> queries;
  std::size_t memory = 0;
  std::size_t prefixes = 0;
};

Fixture& v4_fixture() {
  static Fixture f = [] {
    Fixture fx;
    std::mt19937_64 rng(4);
    std::vector<std::uint32_t> bases;
    for (std::size_t i = 0; i < kPrefixes; ++i) {
      const int len = v4_length(rng);
      const auto base = static_cast<std::uint32_t>(rng()) & static_cast<std::uint32_t>(e911::prefix_mask(32, len));
      fx.index.add(IpPrefix(IpAddress::v4(base), len), static_cast<std::uint32_t>(i));
      bases.push_back(base);
    }
    fx.index.build();
    // Half the queries hit a known prefix, half are anywhere.
    for (std::size_t i = 0; i < kQueries; ++i) {
      const auto addr = (i % 2) ? bases[rng() % bases.size()] | (rng() & 0xff) : static_cast<std::uint32_t>(rng());
      fx.queries.push_back(IpAddress::v4(static_cast<std::uint32_t>(addr)));
    }
    fx.memory = fx.index.memory_bytes();
    fx.prefixes = fx.index.prefix_count();
    return fx;
  }();
  return f;
}

Fixture& v6_fixture() {
  static Fixture f = [] {
    Fixture fx;
    std::mt19937_64 rng(6);
    std::vector<uint128> bases;
    for (std::size_t i = 0; i < kPrefixes; ++i) {
      const int len = v6_length(rng);
      // Global unicast 2000::/3.
      const uint128 raw = (uint128{rng()} << 64 | rng());
      const uint128 addr = (raw >> 3) | (uint128{1} << 125);
      const uint128 base = addr & e911::prefix_mask(128, len);
      fx.index.add(IpPrefix(IpAddress::v6(base), len), static_cast<std::uint32_t>(i));
      bases.push_back(base);
    }
    fx.index.build();
    for (std::size_t i = 0; i < kQueries; ++i) {
      const uint128 addr = (i % 2) ? bases[rng() % bases.size()] | rng() : ((uint128{rng()} << 64 | rng()) >> 3) | (uint128{1} << 125);
      fx.queries.push_back(IpAddress::v6(addr));
    }
    fx.memory = fx.index.memory_bytes();
    fx.prefixes = fx.index.prefix_count();
    return fx;
  }();
  return f;
}

void run(benchmark::State& state, Fixture& fx) {
  std::size_t i = 0;
  std::uint64_t hits = 0;
  for (auto _ : state) {
    hits += fx.index.lookup(fx.queries[i]) != SubnetIndex::kNone;
    i = (i + 1) & (kQueries - 1);
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["lookups_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["bytes_per_prefix"] = static_cast<double>(fx.memory) / static_cast<double>(fx.prefixes);
  state.counters["prefixes"] = static_cast<double>(fx.prefixes);
}

void BM_SubnetLookupIPv4_1M(benchmark::State& state) { run(state, v4_fixture()); }
void BM_SubnetLookupIPv6_1M(benchmark::State& state) { run(state, v6_fixture()); }

BENCHMARK(BM_SubnetLookupIPv4_1M)->MinTime(2.0);
BENCHMARK(BM_SubnetLookupIPv6_1M)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
