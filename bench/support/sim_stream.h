#pragma once
// Simulated traffic for the benchmarks: call events with a share of
// emergency and test calls from the simulator's scenarios, and the
// location updates those scenarios need.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "producers/simulator/traffic.h"

namespace e911::bench {

struct Stream {
  std::vector<simulator::SimEvent> calls;    // for e911.call-events
  std::vector<simulator::SimEvent> updates;  // for e911.location-updates (before the calls)
  std::size_t emergency = 0;                 // calls that should give an emergency call
  std::size_t call_bytes = 0;                // keys and payloads of `calls`
};

// `n` call events, `share` of them emergency or test calls from the
// simulator's scenarios (cycled), the rest non-emergency background.
Stream generate(simulator::TrafficSimulator& sim, std::size_t n, double share, std::uint64_t seed);

// The traffic of a paced run: `rate` call events a second for `seconds`
// (the warm-up included), `share` of them emergency or test calls, and
// `probes` emergency calls to send until every path delivers. The same
// `seed` gives the same traffic.
struct PacedTraffic {
  Stream stream;
  Stream probes;
};
PacedTraffic paced_traffic(std::shared_ptr<const registry::Registry> registry, std::uint64_t seed, double rate,
                           double seconds, double share, std::size_t probes);

}  // namespace e911::bench
