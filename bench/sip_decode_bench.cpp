// SIP as a front door must not be slower than JSON: per message, the
// ingest's SIP decode (parse + call-event mapping, the PIDF-LO check
// included) against the full JSON decode (e911::decode_input_event) of the
// very call event that SIP message becomes, in the same run. Messages: the
// ingest's test INVITEs, a Cisco desk phone (no location body) and a
// softphone with a multipart SDP + PIDF-LO body.
//
//   build/bench/sip_decode_bench --benchmark_counters_tabular=true
//
// sip_vs_json_interleaved gives the ratio on a machine shared with other
// work (see its comment).
//
// docs/benchmarks.md records the results; docs/decisions/0007-sip-parser.md
// the libraries measured against the same INVITE.

#include <benchmark/benchmark.h>

#include <time.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/support/report.h"
#include "common/events.h"
#include "producers/ingest/sip_call_event.h"
#include "producers/ingest/sip_message.h"

namespace {

std::string read_sip(const std::string& name) {
  std::ifstream in(std::string(E911_SOURCE_DIR) + "/tests/ingest/sip/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + name);
  return {std::istreambuf_iterator<char>(in), {}};
}

void sip_decode(benchmark::State& state, const char* file) {
  const auto text = read_sip(file);
  e911::ingest::SipCallDecoder decoder;
  for (auto _ : state) {
    auto message = e911::ingest::parse_sip_message(text);
    auto event = decoder.decode(*message, {}, 1'700'000'000'000);
    if (!event) throw std::runtime_error(event.error().message);
    benchmark::DoNotOptimize(event);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["bytes"] = static_cast<double>(text.size());
}

// The message parse alone (start line, headers, body), for the split.
void sip_parse(benchmark::State& state, const char* file) {
  const auto text = read_sip(file);
  for (auto _ : state) {
    auto message = e911::ingest::parse_sip_message(text);
    benchmark::DoNotOptimize(message);
  }
}

void json_decode(benchmark::State& state, const char* file) {
  const auto text = read_sip(file);
  e911::ingest::SipCallDecoder decoder;
  auto message = e911::ingest::parse_sip_message(text);
  const auto json = e911::ingest::encode_sip_call_event(*decoder.decode(*message, {}, 1'700'000'000'000));
  for (auto _ : state) {
    auto event = e911::decode_input_event(json);
    if (!event) throw std::runtime_error(event.error().message);
    benchmark::DoNotOptimize(event);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * json.size()));
  state.counters["bytes"] = static_cast<double>(json.size());
}

double thread_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

// Both decodes in alternation, a block of 2,000 messages each per
// iteration, timed by the thread's CPU clock: on a shared machine a burst
// of other work hits both sides alike, and each side's fastest blocks are
// its undisturbed speed. Counters: per message, the fastest block of each
// (sip_ns, json_ns, ratio) and the medians (ratio_p50).
void sip_vs_json_interleaved(benchmark::State& state, const char* file) {
  constexpr int kBlock = 2000;
  const auto text = read_sip(file);
  e911::ingest::SipCallDecoder decoder;
  const auto json =
      e911::ingest::encode_sip_call_event(*decoder.decode(*e911::ingest::parse_sip_message(text), {}, 1'700'000'000'000));
  std::vector<double> sip, js;
  for (auto _ : state) {
    const double t0 = thread_cpu_ns();
    for (int i = 0; i < kBlock; ++i) {
      auto message = e911::ingest::parse_sip_message(text);
      auto event = decoder.decode(*message, {}, 1'700'000'000'000);
      benchmark::DoNotOptimize(event);
    }
    const double t1 = thread_cpu_ns();
    for (int i = 0; i < kBlock; ++i) {
      auto event = e911::decode_input_event(json);
      benchmark::DoNotOptimize(event);
    }
    const double t2 = thread_cpu_ns();
    sip.push_back((t1 - t0) / kBlock);
    js.push_back((t2 - t1) / kBlock);
  }
  const auto sip_ns = e911::bench::percentiles(sip), json_ns = e911::bench::percentiles(js);
  state.counters["sip_ns"] = sip_ns.min;
  state.counters["json_ns"] = json_ns.min;
  state.counters["ratio"] = sip_ns.min / json_ns.min;
  state.counters["ratio_p50"] = sip_ns.p50 / json_ns.p50;
}

BENCHMARK_CAPTURE(sip_parse, cisco_invite, "cisco-911.sip");
BENCHMARK_CAPTURE(sip_decode, cisco_invite, "cisco-911.sip");
BENCHMARK_CAPTURE(json_decode, cisco_invite_as_json, "cisco-911.sip");
BENCHMARK_CAPTURE(sip_decode, pidf_lo_invite, "pidf-112.sip");
BENCHMARK_CAPTURE(json_decode, pidf_lo_invite_as_json, "pidf-112.sip");
BENCHMARK_CAPTURE(sip_vs_json_interleaved, cisco_invite, "cisco-911.sip")->Iterations(600)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(sip_vs_json_interleaved, pidf_lo_invite, "pidf-112.sip")->Iterations(300)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
