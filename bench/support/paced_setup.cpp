#include "bench/support/paced_setup.h"

#include <cstdio>

#include "bench/support/report.h"

namespace e911::bench {

void print_broker(const kafka::EmbeddedBroker& broker, const kafka::Properties& props,
                  std::initializer_list<const char*> shown) {
  std::printf("  embedded broker %s; every client: %s\n", broker.bootstrap_servers().c_str(),
              describe_props(props, shown).c_str());
}

namespace {
bool label_and_print(const BenchCluster& cluster, ThreadLabels& labels, std::initializer_list<const char*> shown) {
  labels.claim("embedded broker");
  print_broker(cluster.broker, cluster.props, shown);
  return true;
}
}  // namespace

PacedSetUp::PacedSetUp(const kafka::Properties& overrides, bool with_notifications, ThreadLabels& labels,
                       std::initializer_list<const char*> shown)
    : cluster(overrides, with_notifications),
      broker_labelled(label_and_print(cluster, labels, shown)),
      producers(cluster) {}

void PacedSetUp::produce_updates(const PacedTraffic& traffic) {
  produce_all(producers.calls, cluster.topics.location_updates, traffic.stream.updates);
  produce_all(producers.calls, cluster.topics.location_updates, traffic.probes.updates);
}

}  // namespace e911::bench
