#pragma once
// What the latency benchmarks share: the pipeline's topics on an embedded
// broker with a spare topic for a bare produce -> consume hop; a call
// stream paced at a rate with a bare hop half a period after each call
// event (the reference measured in the same run); probes until every path
// delivers; the process's CPU time.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "bench/support/report.h"
#include "bench/support/sim_stream.h"
#include "common/config.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/producer.h"
#include "common/kafka/properties.h"

namespace e911::bench {

struct BenchCluster {
  // call-events and location-updates with 3 partitions, emergency-calls,
  // dead-letter, elin-assignments (and notifications when asked) with 1, the hop topic with
  // 3; every client gets the broker's properties with `overrides`.
  BenchCluster(const kafka::Properties& overrides, bool with_notifications);

  kafka::EmbeddedBroker broker;
  Config::Topics topics = Config().topics();
  std::string hop_topic = "bench.bare-hop";
  kafka::Properties props;
};

// The producer of call events (and location updates) and the bare hop's.
struct PacedProducers {
  explicit PacedProducers(const BenchCluster& cluster);
  kafka::Producer calls;
  kafka::Producer hop;
};

// Every event to `topic`, flushed; throws when one fails.
void produce_all(kafka::Producer& producer, const std::string& topic, const std::vector<simulator::SimEvent>& events);

// Sends probe calls (and hops) every `interval` until `delivering()`;
// throws after 60 s or when the probes run out. `check` throws when a
// service failed. Returns how many probes it took.
std::size_t probe_until(const BenchCluster& cluster, PacedProducers& producers, const Stream& probes,
                        std::chrono::milliseconds interval, const std::function<bool()>& delivering,
                        const std::function<void()>& check, const std::function<std::string()>& errors);

struct Pacing {
  Clock::time_point start, measure_start, end;
  std::size_t late = 0;  // ticks more than one period behind schedule
  double achieved_rate = 0;  // call events per second over the measured part
};

// Produces `calls` at `rate`, the bare hop ("hop-<i>") half a period after
// each; the first `warmup_n` are not measured. `on_call` runs just before
// each call event is produced, `on_hop` before each hop.
Pacing pace(const BenchCluster& cluster, PacedProducers& producers, const std::vector<simulator::SimEvent>& calls,
            double rate, std::size_t warmup_n,
            const std::function<void(const simulator::SimEvent&, bool measured)>& on_call,
            const std::function<void(const std::string& hop_key, bool measured)>& on_hop);

// User + system CPU seconds of this process so far.
double process_cpu_seconds();

}  // namespace e911::bench
