#pragma once
// Realistic call traffic for the demo and the benchmarks, derived from a
// site registry: callers on office floors, at desk phones on known switch
// ports, on office Wi-Fi, home workers (with and without VPN), the
// coffee-shop caller nobody knows, the nomad whose registration is from
// another network, 933 test calls, dial-out prefixes, a visitor at another
// site, and the non-emergency background a contact centre produces.
// Deterministic for a seed.

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "registry/registry.h"

namespace e911::simulator {

struct SimEvent {
  enum class Kind { call, location_update };
  Kind kind = Kind::call;
  std::string key;      // Kafka key: user id
  std::string payload;  // JSON
  std::string scenario; // "office floor", "home worker on VPN", ... ; "background" for non-emergency
  bool emergency = false;  // a call that should produce an emergency-call event
};

class TrafficSimulator {
 public:
  // Call events are `step_ms` apart from `start` on (the demo uses 1 ms
  // steps ending about now, so times and alert latencies look real).
  TrafficSimulator(std::shared_ptr<const registry::Registry> registry, std::uint64_t seed, EpochMillis start,
                   EpochMillis step_ms = 250);

  // One pass over every scenario the registry can support, in order; each
  // may include the location update that sets it up.
  std::vector<SimEvent> scenarios();
  // One non-emergency call event (initiated, answered or ended).
  SimEvent background();
  // `count` events, `emergency_share` of them emergency calls from the
  // scenarios (cycled), the rest background.
  std::vector<SimEvent> mix(std::size_t count, double emergency_share);
  // The same, handed to `sink` one by one (for streams too large to hold).
  void mix(std::size_t count, double emergency_share, const std::function<void(SimEvent&&)>& sink);

 private:
  struct Caller {
    std::string user_id, name, extension, callback;
  };
  Caller person(const std::string& country);
  std::string next_id(const char* prefix);
  std::string ip_in(const IpPrefix& prefix);
  EpochMillis tick(EpochMillis step_ms);
  SimEvent call_event(const std::string& scenario, const Caller& who, const std::string& dialed,
                      const std::string& device_json, const std::string& site_id, bool emergency,
                      const char* type = "call.initiated");
  SimEvent location_update(const std::string& scenario, const Caller& who, const std::string& address_json,
                           const std::string& network_ip, EpochMillis at);

  std::shared_ptr<const registry::Registry> registry_;
  std::mt19937_64 rng_;
  EpochMillis now_;
  EpochMillis step_ms_;
  std::uint64_t seq_ = 0;
};

}  // namespace e911::simulator
