#pragma once
// The start every paced latency run shares: the cluster on an embedded
// broker (its threads labelled "embedded broker" before any client starts),
// the broker and the client settings that decide latency printed for the
// record, the paced producers, and the traffic's location updates produced
// before any call so that every call resolves.

#include <initializer_list>

#include "bench/support/paced_run.h"
#include "bench/support/sim_stream.h"
#include "bench/support/threads.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/properties.h"

namespace e911::bench {

// "  embedded broker HOST:PORT; every client: KEY=VALUE, ..." for the
// `shown` client settings.
void print_broker(const kafka::EmbeddedBroker& broker, const kafka::Properties& props,
                  std::initializer_list<const char*> shown);

struct PacedSetUp {
  // A BenchCluster with `overrides` (and the notifications topic when
  // asked), printed with its `shown` settings, and its producers.
  PacedSetUp(const kafka::Properties& overrides, bool with_notifications, ThreadLabels& labels,
             std::initializer_list<const char*> shown);

  // The location updates of the traffic's stream, then of its probes.
  void produce_updates(const PacedTraffic& traffic);

  BenchCluster cluster;
  bool broker_labelled;  // before the producers start their threads
  PacedProducers producers;
};

}  // namespace e911::bench
