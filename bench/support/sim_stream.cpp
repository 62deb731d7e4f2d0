#include "bench/support/sim_stream.h"

#include <cmath>
#include <random>
#include <stdexcept>
#include <utility>

#include "common/timestamp.h"

namespace e911::bench {

using simulator::SimEvent;

Stream generate(simulator::TrafficSimulator& sim, std::size_t n, double share, std::uint64_t seed) {
  Stream s;
  s.calls.reserve(n);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<SimEvent> tour;
  std::size_t next = 0;
  while (s.calls.size() < n) {
    if (u(rng) < share) {
      for (;;) {
        if (next == tour.size()) {
          tour = sim.scenarios();
          next = 0;
          if (tour.empty()) throw std::runtime_error("the registry supports no emergency scenario");
        }
        SimEvent& e = tour[next++];
        if (e.kind == SimEvent::Kind::location_update) {
          s.updates.push_back(std::move(e));
          continue;
        }
        if (e.emergency) ++s.emergency;
        s.call_bytes += e.payload.size() + e.key.size();
        s.calls.push_back(std::move(e));
        break;
      }
    } else {
      auto e = sim.background();
      s.call_bytes += e.payload.size() + e.key.size();
      s.calls.push_back(std::move(e));
    }
  }
  return s;
}

PacedTraffic paced_traffic(std::shared_ptr<const registry::Registry> registry, std::uint64_t seed, double rate,
                           double seconds, double share, std::size_t probes) {
  simulator::TrafficSimulator sim(std::move(registry), seed + 100, now_millis() - 3'600'000);
  PacedTraffic t;
  t.stream = generate(sim, static_cast<std::size_t>(std::llround(rate * seconds)), share, seed + 101);
  t.probes = generate(sim, probes, 1.0, seed + 102);
  return t;
}

}  // namespace e911::bench
