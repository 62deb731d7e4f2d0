// The locator running through Kafka on the embedded broker (librdkafka's
// mock cluster on loopback): throughput with a backlog, and end-to-end
// latency at a paced rate against a bare produce-to-consume hop.
// Results and how to read them: docs/benchmarks-kafka.md.
//
//   build/bench/locator_kafka_bench                      # both phases, defaults
//   build/bench/locator_kafka_bench --mode throughput --events 1000000
//   build/bench/locator_kafka_bench --mode latency --rate 1000 --seconds 30
//   build/bench/locator_kafka_bench --mode latency --set fetch.wait.max.ms=1
//
// Throughput: N simulated call events (mixed traffic, --emergency-share of
// them emergency or test calls) are produced to e911.call-events first,
// the location updates of the scenarios to e911.location-updates; then a
// LocatorService starts and the clock runs from the first call event it
// consumes (the ~3 s a new consumer group waits for its first assignment
// is excluded) until every call event is consumed and every emergency call
// is acknowledged by Kafka on e911.emergency-calls (LocatorService::stats).
// The same backlog is then read by a bare librdkafka consumer, by the
// project's kafka::Consumer with a handler that only acknowledges, and
// processed in process by LocatorCore without Kafka, which together say
// where the time goes; CPU time per thread is reported for the locator run.
//
// Latency: call events are produced at --rate events/s (--latency-emergency-
// share of them emergency calls) and each emergency call is timed from the
// moment its call event is handed to the producer to the moment a separate
// consumer (group "bench-downstream") reads it from e911.emergency-calls.
// In the same run, from the same pacing loop (half a period later), the same
// payloads go through a bare hop: a second producer writes them to a spare
// topic and a consumer (group "bench-hop") reads them. Every client (the
// locator's included) uses the same properties: the embedded defaults plus
// any --set, and the consumers' prefetch defaults (docs/decisions/0013),
// which a paced stream never fills.
//
// A plain main(): the bench links benchmark::benchmark, not benchmark_main.

#include <librdkafka/rdkafkacpp.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench/support/args.h"
#include "bench/support/locator_options.h"
#include "bench/support/paced_run.h"
#include "bench/support/paced_setup.h"
#include "bench/support/report.h"
#include "bench/support/service_thread.h"
#include "bench/support/sim_stream.h"
#include "bench/support/threads.h"
#include "bench/support/topic_reader.h"
#include "common/config.h"
#include "common/emergency_call.h"
#include "common/kafka/consumer.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/error.h"
#include "common/kafka/producer.h"
#include "common/kafka/properties.h"
#include "common/log.h"
#include "common/observability/metrics_registry.h"
#include "common/timestamp.h"
#include "consumers/locator/locator_core.h"
#include "consumers/locator/locator_service.h"
#include "registry/registry_loader.h"
#include "producers/simulator/traffic.h"

namespace {

using namespace e911;
using namespace e911::bench;
using simulator::SimEvent;

// The client settings each report names.
constexpr std::initializer_list<const char*> kShownProps = {"fetch.wait.max.ms", "linger.ms", "socket.nagle.disable",
                                                            "fetch.error.backoff.ms"};

constexpr const char* kUsage =
    "usage: locator_kafka_bench [options]\n"
    "  --mode all|throughput|latency   which phases to run (all)\n"
    "  --registry FILE                 site registry (" E911_SHARED_DIR "/fixtures/registry.yaml)\n"
    "  --seed N                        simulator seed (7)\n"
    "  --set KEY=VALUE                 librdkafka property for every client, repeatable\n"
    "                                  (on top of the embedded defaults, e.g. fetch.wait.max.ms=1)\n"
    " throughput:\n"
    "  --events N                      call events in the backlog (1000000)\n"
    "  --emergency-share F             share of emergency/test calls (0.05)\n"
    "  --partitions P                  e911.call-events partitions (0: enough for the\n"
    "                                  mock's ~5 MB per partition retention)\n"
    "  --preproduce-linger-ms MS       linger.ms of the backlog producer only (100)\n"
    "  --stages LIST                   of locator,raw,consumer,core (all): the locator run,\n"
    "                                  then the breakdown: bare librdkafka consumer, the\n"
    "                                  kafka::Consumer with an acking handler, LocatorCore\n"
    "                                  in process without Kafka\n"
    "  --no-breakdown                  --stages locator\n"
    " latency:\n"
    "  --rate R                        call events per second (1000)\n"
    "  --seconds S                     measured seconds (30)\n"
    "  --warmup-seconds W              paced but unmeasured seconds first (3)\n"
    "  --latency-emergency-share F     share of emergency calls (0.10)\n";

struct Args : PipelineArgs {
  Args() { registry = std::string(E911_SHARED_DIR) + "/fixtures/registry.yaml"; }
  std::string mode = "all";
  std::size_t events = 1'000'000;
  double emergency_share = 0.05;
  int partitions = 0;
  int preproduce_linger_ms = 100;
  std::string stages = "locator,raw,consumer,core";
  bool stage(const std::string& name) const { return ("," + stages + ",").find("," + name + ",") != std::string::npos; }
  double rate = 1000;
  double latency_emergency_share = 0.10;
};

Args parse_args(int argc, char** argv) {
  Args a;
  ArgReader in(argc, argv, "locator_kafka_bench", kUsage);
  while (in.next()) {
    const std::string& arg = in.arg();
    if (read_pipeline_option(in, a)) continue;
    if (arg == "--mode") {
      a.mode = in.value();
      if (a.mode != "all" && a.mode != "throughput" && a.mode != "latency") in.usage_error("unknown mode " + a.mode);
    } else if (arg == "--events") {
      a.events = static_cast<std::size_t>(in.number(1, 1e8));
    } else if (arg == "--emergency-share") {
      a.emergency_share = in.number(0, 1);
    } else if (arg == "--partitions") {
      a.partitions = static_cast<int>(in.number(0, 10000));
    } else if (arg == "--preproduce-linger-ms") {
      a.preproduce_linger_ms = static_cast<int>(in.number(0, 10000));
    } else if (arg == "--no-breakdown") {
      a.stages = "locator";
    } else if (arg == "--stages") {
      a.stages = in.value();
    } else if (arg == "--rate") {
      a.rate = in.number(1, 1e6);
    } else if (arg == "--latency-emergency-share") {
      a.latency_emergency_share = in.number(0.001, 1);
    } else {
      in.unknown();
    }
  }
  return a;
}


// ---------------------------------------------------------------------------
// Kafka helpers.

struct Watermarks {
  std::int64_t retained = 0;   // sum of high - low
  std::int64_t produced = 0;   // sum of high
  int partitions_trimmed = 0;  // partitions whose low watermark is not 0
};

Watermarks watermarks(const kafka::Properties& props, const std::string& topic, int partitions) {
  auto conf = kafka::make_conf(kafka::for_client(props, kafka::ClientKind::consumer));
  std::string err;
  std::unique_ptr<RdKafka::Consumer> c(RdKafka::Consumer::create(conf.get(), err));
  if (!c) throw std::runtime_error("watermarks: " + err);
  Watermarks w;
  for (int p = 0; p < partitions; ++p) {
    std::int64_t lo = 0, hi = 0;
    if (const auto e = c->query_watermark_offsets(topic, p, &lo, &hi, 10000); e != RdKafka::ERR_NO_ERROR) {
      throw std::runtime_error("watermarks of " + topic + ": " + RdKafka::err2str(e));
    }
    w.retained += hi - lo;
    w.produced += hi;
    if (lo != 0) ++w.partitions_trimmed;
  }
  return w;
}

// Counts per interval while a stage runs, for the steadiness of the rate.
class Progress {
 public:
  explicit Progress(std::chrono::milliseconds interval = std::chrono::milliseconds(1000)) : interval_(interval) {}
  void start(Clock::time_point at) {
    marks_.clear();
    marks_.push_back({at, 0});
    next_ = at + interval_;
  }
  void update(Clock::time_point now, std::uint64_t count) {
    if (marks_.empty() || now < next_) return;
    marks_.push_back({now, count});
    next_ += interval_;
  }
  // Lowest and highest rate over the whole intervals seen.
  std::pair<double, double> range() const {
    double lo = 0, hi = 0;
    for (std::size_t i = 1; i < marks_.size(); ++i) {
      const double r = static_cast<double>(marks_[i].second - marks_[i - 1].second) /
                       seconds_between(marks_[i - 1].first, marks_[i].first);
      lo = i == 1 ? r : std::min(lo, r);
      hi = std::max(hi, r);
    }
    return {lo, hi};
  }
  std::string describe() const {
    if (marks_.size() < 2) return "";
    const auto [lo, hi] = range();
    std::string out = "per-second " + fmt(lo) + " .. " + fmt(hi);
    if (std::getenv("BENCH_TRACE")) {
      out += " [";
      for (std::size_t i = 1; i < marks_.size(); ++i) out += (i > 1 ? " " : "") + fmt(static_cast<double>(marks_[i].second - marks_[i - 1].second));
      out += "]";
    }
    return out;
  }

 private:
  std::chrono::milliseconds interval_;
  std::vector<std::pair<Clock::time_point, std::uint64_t>> marks_;
  Clock::time_point next_{};
};

struct RateResult {
  std::uint64_t messages = 0;
  double seconds = 0;
  std::string steadiness;
  double rate() const { return seconds > 0 ? static_cast<double>(messages) / seconds : 0; }
};

// The bare librdkafka high-level consumer: consume() in a loop, nothing
// else, with kafka::Consumer's prefetch count so the two compare like for
// like.
RateResult raw_consume(const kafka::Properties& props, const std::string& topic, std::uint64_t expected) {
  auto p = kafka::for_client(props, kafka::ClientKind::consumer);
  p["group.id"] = "bench-raw-librdkafka";
  p["auto.offset.reset"] = "earliest";
  kafka::set_default(p, "queued.min.messages", kafka::kPrefetchMinMessages);  // as kafka::Consumer's
  auto conf = kafka::make_conf(p);
  std::string err;
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!c) throw std::runtime_error("raw consumer: " + err);
  c->subscribe({topic});
  RateResult r;
  Clock::time_point first{};
  const auto give_up = Clock::now() + std::chrono::minutes(5);
  std::uint64_t bytes = 0;
  Progress progress;
  while (r.messages < expected && Clock::now() < give_up) {
    std::unique_ptr<RdKafka::Message> m(c->consume(100));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    if (r.messages == 0) {
      first = Clock::now();
      progress.start(first);
    }
    bytes += m->len();
    if (++r.messages % 256 == 0) progress.update(Clock::now(), r.messages);
  }
  r.seconds = seconds_between(first, Clock::now());
  r.steadiness = progress.describe();
  c->close();
  if (bytes == 0 && r.messages > 0) std::printf("    (raw consumer: empty payloads?)\n");
  return r;
}

// The project's kafka::Consumer, the locator's input, with a handler that
// only acknowledges: the plumbing's own cost per message.
RateResult wrapper_consume(const kafka::Properties& props, const std::string& topic, std::uint64_t expected) {
  kafka::ConsumerOptions o;
  o.group_id = "bench-kafka-consumer";
  o.topics = {topic};
  kafka::Consumer c(props, o);
  RateResult r;
  Clock::time_point first{};
  const auto give_up = Clock::now() + std::chrono::minutes(5);
  Progress progress;
  const kafka::Consumer::Handler handler = [&](const kafka::Message&, const kafka::Ack& ack) {
    if (r.messages == 0) {
      first = Clock::now();
      progress.start(first);
    }
    if (++r.messages % 256 == 0) progress.update(Clock::now(), r.messages);
    ack.done();
  };
  while (r.messages < expected && Clock::now() < give_up) c.poll_batch(handler, 500, std::chrono::milliseconds(100));
  r.seconds = seconds_between(first, Clock::now());
  r.steadiness = progress.describe();
  c.close();
  return r;
}

// LocatorCore without Kafka over the same events: decode, validate,
// de-duplicate, resolve, encode.
RateResult in_process(const std::string& registry_path, const Stream& s) {
  auto load = registry::load_registry_file(registry_path);
  locator::LocatorCore core(load.registry, 1'000'000);
  for (const auto& u : s.updates) core.process(u.payload);
  RateResult r;
  std::size_t bytes = 0;
  const auto t0 = Clock::now();
  for (const auto& e : s.calls) {
    auto outcome = core.process(e.payload);
    if (outcome.call) bytes += encode_emergency_call(*outcome.call).size();
    ++r.messages;
  }
  r.seconds = seconds_between(t0, Clock::now());
  if (bytes == 0 && s.emergency > 0) std::printf("    (in process: no emergency call came out?)\n");
  return r;
}

// ---------------------------------------------------------------------------
// Phase 1: throughput.

void run_throughput(const Args& args, std::shared_ptr<const registry::Registry> registry, ThreadLabels& labels) {
  std::printf("== Throughput: locator through Kafka, backlog of %s call events ==\n", fmt(static_cast<double>(args.events)).c_str());
  simulator::TrafficSimulator sim(registry, args.seed, now_millis() - 3'600'000);
  auto t = Clock::now();
  const Stream s = generate(sim, args.events, args.emergency_share, args.seed + 1);
  std::printf("  generated %s call events (%s emergency/test = %.2f%%, mean %.0f bytes with key) and %s location "
              "updates in %.1f s\n",
              fmt(static_cast<double>(s.calls.size())).c_str(), fmt(static_cast<double>(s.emergency)).c_str(),
              100.0 * static_cast<double>(s.emergency) / static_cast<double>(s.calls.size()),
              static_cast<double>(s.call_bytes) / static_cast<double>(s.calls.size()),
              fmt(static_cast<double>(s.updates.size())).c_str(), seconds_between(t, Clock::now()));

  // The mock keeps ~5 MB per partition (record batches plus overhead):
  // size the topic so that nothing is dropped, and check it below.
  const double per_partition_budget = 3.5 * 1024 * 1024;
  const int partitions =
      args.partitions > 0
          ? args.partitions
          : std::max(8, static_cast<int>(std::ceil(static_cast<double>(s.call_bytes) * 1.1 / per_partition_budget)));

  kafka::EmbeddedBroker broker;
  labels.claim("embedded broker");
  const Config::Topics topics = Config().topics();
  broker.create_topic(topics.call_events, partitions);
  broker.create_topic(topics.location_updates, 3);
  broker.create_topic(topics.emergency_calls, 4);
  broker.create_topic(topics.dead_letter, 1);
  broker.create_topic(topics.elin_assignments, 1);
  const auto props = kafka::merged(broker.client_properties(), args.overrides);
  std::printf("  embedded broker %s; e911.call-events: %d partitions; clients: %s\n", broker.bootstrap_servers().c_str(),
              partitions, describe_props(props, kShownProps).c_str());

  {
    // The backlog producer batches generously (see the docs: the mock
    // answers a fetch with one record batch per partition, where a real
    // broker returns up to max.partition.fetch.bytes of batches).
    auto pp = props;
    pp["linger.ms"] = std::to_string(args.preproduce_linger_ms);
    kafka::ProducerOptions po;
    po.client_id = "bench-backlog";
    po.topics = {topics.call_events, topics.location_updates};
    kafka::Producer producer(pp, po);
    t = Clock::now();
    produce_all(producer, topics.location_updates, s.updates);
    produce_all(producer, topics.call_events, s.calls);
    std::printf("  backlog produced in %.1f s (%s events/s, acks=all, linger.ms=%d)\n", seconds_between(t, Clock::now()),
                fmt(static_cast<double>(s.calls.size()) / seconds_between(t, Clock::now())).c_str(),
                args.preproduce_linger_ms);
  }
  labels.claim("backlog producer (gone)");
  const auto wm = watermarks(props, topics.call_events, partitions);
  std::printf("  retained on e911.call-events: %s of %s produced, %d partition(s) trimmed by the mock's retention\n",
              fmt(static_cast<double>(wm.retained)).c_str(), fmt(static_cast<double>(wm.produced)).c_str(),
              wm.partitions_trimmed);
  if (wm.partitions_trimmed > 0 || wm.retained != static_cast<std::int64_t>(s.calls.size())) {
    throw std::runtime_error("the mock dropped part of the backlog: use more --partitions or fewer --events");
  }
  labels.claim("watermark reader (gone)");

  // The locator.
  const std::uint64_t n = s.calls.size();
  RateResult locator_rate;
  if (args.stage("locator")) {
    const auto started_at = Clock::now();
    bench::RunningService<locator::LocatorService> locator("locator-loop", locator_options(props, args.registry, topics),
                                                         observability::MetricsRegistry());
    locator.thread().wait_started();
    labels.set(locator.thread().tid(), "locator event loop");
    labels.claim("locator");
    Clock::time_point first{}, consumed{}, done{};
    std::map<int, ThreadSample> cpu_before;
    Progress progress;
    auto last_change = Clock::now();
    std::uint64_t last_seen = 0;
    locator::LocatorServiceStats st;
    for (;;) {
      locator.thread().check();
      st = locator->stats();
      const auto now = Clock::now();
      if (first == Clock::time_point{} && st.call_events > 0) {
        first = now;
        cpu_before = sample_threads();
        progress.start(now);
      }
      if (consumed == Clock::time_point{} && st.call_events >= n) consumed = now;
      if (st.call_events >= n && st.emergency_calls >= s.emergency) {
        done = now;
        break;
      }
      progress.update(now, st.call_events);
      if (st.call_events + st.emergency_calls != last_seen) {
        last_seen = st.call_events + st.emergency_calls;
        last_change = now;
      } else if (now - last_change > std::chrono::seconds(first == Clock::time_point{} ? 60 : 20)) {
        throw std::runtime_error("the locator stalled at " + std::to_string(st.call_events) + " call events, " +
                                 std::to_string(st.emergency_calls) + " emergency calls");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const auto cpu_after = sample_threads();
    locator_rate.messages = n;
    locator_rate.seconds = seconds_between(first, done);
    std::printf("\n  Locator (LocatorService, group e911-locator):\n");
    std::printf("    group join and first fetch (excluded): %.2f s after the service was created\n",
                seconds_between(started_at, first));
    std::printf("    call events consumed: %s (expected %s); emergency calls acknowledged: %s (expected %s); dead "
                "letters: %s; location updates read: %s\n",
                fmt(static_cast<double>(st.call_events)).c_str(), fmt(static_cast<double>(n)).c_str(),
                fmt(static_cast<double>(st.emergency_calls)).c_str(), fmt(static_cast<double>(s.emergency)).c_str(),
                fmt(static_cast<double>(st.dead_letters)).c_str(), fmt(static_cast<double>(st.location_updates)).c_str());
    std::printf("    first event consumed -> last event consumed: %.3f s; -> last emergency call acknowledged: %.3f s\n",
                seconds_between(first, consumed), seconds_between(first, done));
    std::printf("    THROUGHPUT: %s events/s (target >= 100,000)\n", fmt(locator_rate.rate()).c_str());
    locator_rate.steadiness = progress.describe();
    if (!locator_rate.steadiness.empty()) std::printf("    %s events/s\n", locator_rate.steadiness.c_str());
    print_thread_cpu(
        labels, cpu_before, cpu_after, seconds_between(first, done),
        [&](int tid, const std::string& comm) {
          // The producer's poll thread inherits the event loop's name.
          return comm == "locator-loop" && labels.of(tid) != "locator event loop" ? "kafka::Producer poll thread" : comm;
        },
        "    ", 52);
    locator.thread().stop();
    locator.thread().check();
  }
  labels.claim("locator (gone)");

  const bool any_breakdown = args.stage("raw") || args.stage("consumer") || args.stage("core");
  if (any_breakdown) {
    std::printf("\n  Breakdown, same backlog (each reader is a new consumer group; join wait excluded):\n");
    const auto us = [](const RateResult& r) { return r.messages ? 1e6 * r.seconds / static_cast<double>(r.messages) : 0; };
    std::printf("    %-62s %12s %10s  %s\n", "stage", "events/s", "us/event", "steadiness (events/s)");
    const auto row = [&](const char* name, const RateResult& r) {
      std::printf("    %-62s %12s %10.2f  %s%s\n", name, fmt(r.rate()).c_str(), us(r), r.steadiness.c_str(),
                  r.messages == n ? "" : ("  INCOMPLETE: " + fmt(static_cast<double>(r.messages)) + " read").c_str());
    };
    if (args.stage("raw")) {
      const auto raw = raw_consume(props, topics.call_events, n);
      labels.claim("raw consumer (gone)");
      row("librdkafka KafkaConsumer::consume() loop, nothing else", raw);
    }
    if (args.stage("consumer")) {
      const auto wrapped = wrapper_consume(props, topics.call_events, n);
      labels.claim("kafka::Consumer (gone)");
      row("kafka::Consumer::poll_batch(), handler only acks", wrapped);
    }
    std::optional<RateResult> core;
    if (args.stage("core")) {
      core = in_process(args.registry, s);
      row("LocatorCore::process + encode, in process, no Kafka", *core);
    }
    if (args.stage("locator")) row("LocatorService through Kafka (the result above)", locator_rate);
    if (core && args.stage("locator") && core->rate() > 0) {
      std::printf("    locator / LocatorCore: %.0f%% (target >= 75%%)\n", 100 * locator_rate.rate() / core->rate());
    }
  }
  std::printf("\n");
}

// ---------------------------------------------------------------------------
// Phase 2: latency.

struct LatencyLog {
  std::mutex mu;
  std::unordered_map<std::string, Clock::time_point> sent;  // key -> handed to the producer
  std::unordered_map<std::string, std::int64_t> sent_wall_us;
  std::unordered_map<std::string, bool> measured;
  std::vector<double> ms;               // latencies of measured messages
  std::vector<double> first_leg_ms;     // produce -> the output's Kafka CreateTime (ms resolution)
  std::uint64_t received = 0;           // every message read
  std::uint64_t matched_measured = 0;
  std::uint64_t expected_measured = 0;

  void note_sent(const std::string& key, bool measure) {
    const auto wall = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    std::lock_guard lock(mu);
    sent[key] = Clock::now();
    sent_wall_us[key] = wall;
    measured[key] = measure;
    if (measure) ++expected_measured;
  }
  void note_received(const std::string& key, Clock::time_point at, std::int64_t create_time_ms) {
    std::lock_guard lock(mu);
    ++received;
    const auto it = sent.find(key);
    if (it == sent.end() || !measured[key]) return;
    ms.push_back(std::chrono::duration<double, std::milli>(at - it->second).count());
    if (create_time_ms >= 0) first_leg_ms.push_back(static_cast<double>(create_time_ms) - static_cast<double>(sent_wall_us[key]) / 1000.0);
    ++matched_measured;
    sent.erase(it);
  }
  std::uint64_t done() {
    std::lock_guard lock(mu);
    return matched_measured;
  }
  std::uint64_t any() {
    std::lock_guard lock(mu);
    return received;
  }
};

void print_latency_row(const char* name, const Percentiles& p) {
  std::printf("    %-40s %7zu %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f\n", name, p.n, p.mean, p.p50, p.p95, p.p99, p.p999,
              p.max);
}

void run_latency(const Args& args, std::shared_ptr<const registry::Registry> registry, ThreadLabels& labels) {
  std::printf("== Latency: %.0f call events/s for %.0f s (+%.0f s warm-up), %.0f%% emergency calls ==\n", args.rate,
              args.seconds, args.warmup_seconds, 100 * args.latency_emergency_share);
  // Probes: emergency calls sent until both paths deliver (group joins).
  const auto traffic = paced_traffic(registry, args.seed, args.rate, args.seconds + args.warmup_seconds,
                                     args.latency_emergency_share, 400);
  const Stream& s = traffic.stream;

  PacedSetUp setup(args.overrides, false, labels, kShownProps);
  setup.produce_updates(traffic);
  const auto& topics = setup.cluster.topics;
  const auto& props = setup.cluster.props;

  LatencyLog locator_log, hop_log;
  bench::RunningService<locator::LocatorService> locator("locator-loop", locator_options(props, args.registry, topics),
                                                         observability::MetricsRegistry());
  locator.thread().wait_started();
  labels.set(locator.thread().tid(), "locator event loop");
  bench::TopicReader downstream(
      props, "bench-downstream", topics.emergency_calls,
      [&](const kafka::Message& m, Clock::time_point at) {
        if (const auto key = json_string_field(m.value, "call_id")) locator_log.note_received(*key, at, m.timestamp_ms);
      },
      "rd-downstream");
  bench::TopicReader hop_reader(
      props, "bench-hop", setup.cluster.hop_topic,
      [&](const kafka::Message& m, Clock::time_point at) {
        if (m.key) hop_log.note_received(std::string(*m.key), at, m.timestamp_ms);
      },
      "rd-bare-hop");
  labels.claim("locator, readers, producers");

  // Both paths deliver before the paced run starts.
  const auto probe = probe_until(
      setup.cluster, setup.producers, traffic.probes, std::chrono::milliseconds(100),
      [&] { return locator_log.any() != 0 && hop_log.any() != 0; }, [&] { locator.thread().check(); },
      [&] { return downstream.error() + hop_reader.error(); });
  std::printf("  both paths delivering after %zu probe(s); pacing...\n", probe);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the probes drain

  const auto warmup_n = static_cast<std::size_t>(std::llround(args.rate * args.warmup_seconds));
  const double cpu0 = process_cpu_seconds();
  const auto pacing = pace(
      setup.cluster, setup.producers, s.calls, args.rate, warmup_n,
      [&](const SimEvent& e, bool measure) {
        if (!e.emergency) return;
        if (const auto id = json_string_field(e.payload, "call_id")) locator_log.note_sent(*id, measure);
      },
      [&](const std::string& key, bool measure) { hop_log.note_sent(key, measure); });
  const auto start = pacing.start;
  const auto paced_end = pacing.end;
  const auto late = pacing.late;
  const auto drain_deadline = paced_end + std::chrono::seconds(15);
  while ((locator_log.done() < locator_log.expected_measured || hop_log.done() < hop_log.expected_measured) &&
         Clock::now() < drain_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double cpu1 = process_cpu_seconds();
  const double wall = seconds_between(start, Clock::now());
  const auto st = locator->stats();
  downstream.stop();
  hop_reader.stop();
  locator.thread().stop();
  locator.thread().check();

  const double achieved = pacing.achieved_rate;
  std::printf("  paced %s call events (achieved %.1f events/s over the measured part, %zu tick(s) late by > 1 period)\n",
              fmt(static_cast<double>(s.calls.size())).c_str(), achieved, late);
  std::printf("  locator: %s call events, %s emergency calls acknowledged, %s dead letters; process CPU %.0f%% of one "
              "core\n",
              fmt(static_cast<double>(st.call_events)).c_str(), fmt(static_cast<double>(st.emergency_calls)).c_str(),
              fmt(static_cast<double>(st.dead_letters)).c_str(), 100 * (cpu1 - cpu0) / wall);

  const auto lp = percentiles(locator_log.ms);
  const auto hp = percentiles(hop_log.ms);
  std::printf("\n    %-40s %7s %8s %8s %8s %8s %8s %8s   (ms)\n", "path", "n", "mean", "p50", "p95", "p99", "p99.9",
              "max");
  print_latency_row("call event -> emergency call (locator)", lp);
  print_latency_row("bare hop (produce -> consume)", hp);
  if (locator_log.matched_measured < locator_log.expected_measured || hop_log.matched_measured < hop_log.expected_measured) {
    std::printf("    MISSING: locator path %s of %s, bare hop %s of %s\n",
                fmt(static_cast<double>(locator_log.matched_measured)).c_str(),
                fmt(static_cast<double>(locator_log.expected_measured)).c_str(),
                fmt(static_cast<double>(hop_log.matched_measured)).c_str(),
                fmt(static_cast<double>(hop_log.expected_measured)).c_str());
  }
  if (hp.p99 > 0) {
    std::printf("\n    p99 ratio locator / bare hop: %.2f (goal <= 2.0); p50 ratio %.2f\n", lp.p99 / hp.p99,
                lp.p50 / hp.p50);
  }
  const auto leg = percentiles(locator_log.first_leg_ms);
  if (leg.n > 0) {
    std::printf("    locator path split by the emergency call's Kafka CreateTime (ms clock, so each leg +/- 1 ms):\n");
    std::printf("      produce -> locator produced the emergency call: mean %.2f, p50 %.2f, p99 %.2f ms\n", leg.mean,
                leg.p50, leg.p99);
    std::printf("      emergency call produced -> read downstream:    mean %.2f ms\n", lp.mean - leg.mean);
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress is visible when piped
  const Args args = parse_args(argc, argv);
  if (!std::getenv("E911_LOG_LEVEL")) set_min_log_level(LogLevel::warn);
  ThreadLabels labels;
  labels.claim("bench main");
  try {
    auto load = registry::load_registry_file(args.registry);
    if (!load.ok()) {
      for (const auto& d : load.errors) std::cerr << registry::format_diagnostic(args.registry, d) << "\n";
      return 1;
    }
    std::printf("locator_kafka_bench: registry %s (%zu sites), librdkafka %s, %u hardware threads\n\n",
                args.registry.c_str(), load.registry->data().sites.size(), RdKafka::version_str().c_str(),
                std::thread::hardware_concurrency());
    if (args.mode == "all" || args.mode == "throughput") run_throughput(args, load.registry, labels);
    if (args.mode == "all" || args.mode == "latency") run_latency(args, load.registry, labels);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "locator_kafka_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
