#include "bench/support/paced_run.h"

#include <sys/resource.h>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace e911::bench {

BenchCluster::BenchCluster(const kafka::Properties& overrides, bool with_notifications) {
  broker.create_topic(topics.call_events, 3);
  broker.create_topic(topics.location_updates, 3);
  broker.create_topic(topics.emergency_calls, 1);
  if (with_notifications) broker.create_topic(topics.notifications, 1);
  broker.create_topic(topics.dead_letter, 1);
  broker.create_topic(topics.elin_assignments, 1);  // as deployed: the locator's ELIN claims go through it
  broker.create_topic(hop_topic, 3);
  props = kafka::merged(broker.client_properties(), overrides);
}

namespace {
kafka::ProducerOptions producer_options(const char* client_id, std::vector<std::string> topics) {
  kafka::ProducerOptions o;
  o.client_id = client_id;
  o.topics = std::move(topics);
  return o;
}
}  // namespace

PacedProducers::PacedProducers(const BenchCluster& cluster)
    : calls(cluster.props,
            producer_options("bench-calls", {cluster.topics.call_events, cluster.topics.location_updates})),
      hop(cluster.props, producer_options("bench-hop", {cluster.hop_topic})) {}

void produce_all(kafka::Producer& producer, const std::string& topic, const std::vector<simulator::SimEvent>& events) {
  std::atomic<std::uint64_t> failed{0};
  for (const auto& e : events) {
    producer.produce(topic, e.key, e.payload, {}, [&failed](const kafka::DeliveryReport& r) {
      if (!r.ok()) failed.fetch_add(1);
    });
  }
  if (!producer.flush(std::chrono::minutes(5))) throw std::runtime_error("flush to " + topic + " timed out");
  if (failed.load() > 0) throw std::runtime_error(std::to_string(failed.load()) + " messages to " + topic + " failed");
}

std::size_t probe_until(const BenchCluster& cluster, PacedProducers& producers, const Stream& probes,
                        std::chrono::milliseconds interval, const std::function<bool()>& delivering,
                        const std::function<void()>& check, const std::function<std::string()>& errors) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  std::size_t probe = 0;
  while (!delivering()) {
    if (check) check();
    if (Clock::now() > deadline || probe >= probes.calls.size()) {
      throw std::runtime_error("the paths did not deliver within 60 s: " + (errors ? errors() : std::string()));
    }
    const auto& e = probes.calls[probe++];
    producers.calls.produce(cluster.topics.call_events, e.key, e.payload);
    producers.hop.produce(cluster.hop_topic, "probe-" + std::to_string(probe), e.payload);
    std::this_thread::sleep_for(interval);
  }
  return probe;
}

Pacing pace(const BenchCluster& cluster, PacedProducers& producers, const std::vector<simulator::SimEvent>& calls,
            double rate, std::size_t warmup_n,
            const std::function<void(const simulator::SimEvent&, bool measured)>& on_call,
            const std::function<void(const std::string& hop_key, bool measured)>& on_hop) {
  const auto period = std::chrono::duration<double>(1.0 / rate);
  const auto half = std::chrono::duration_cast<Clock::duration>(period / 2);
  Pacing p;
  p.start = Clock::now();
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const auto tick = p.start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(i));
    std::this_thread::sleep_until(tick);
    if (Clock::now() - tick > period) ++p.late;
    if (i == warmup_n) p.measure_start = Clock::now();
    const bool measure = i >= warmup_n;
    const auto& e = calls[i];
    if (on_call) on_call(e, measure);
    producers.calls.produce(cluster.topics.call_events, e.key, e.payload);
    std::this_thread::sleep_until(tick + half);
    const std::string key = "hop-" + std::to_string(i);
    if (on_hop) on_hop(key, measure);
    producers.hop.produce(cluster.hop_topic, key, e.payload);
  }
  p.end = Clock::now();
  if (calls.size() > warmup_n) {
    p.achieved_rate = static_cast<double>(calls.size() - warmup_n) / seconds_between(p.measure_start, p.end);
  }
  return p;
}

double process_cpu_seconds() {
  struct rusage r {};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

}  // namespace e911::bench
