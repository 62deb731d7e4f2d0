// SIP as a front door must not be slower than JSON: per message, the
// ingest's SIP decode (parse + call-event mapping, the PIDF-LO check
// included) against the full JSON decode (e911::decode_input_event) of the
// very call event that SIP message becomes, in the same run. Messages: the
// ingest's test INVITEs, a Cisco desk phone (no location body) and a
// softphone with a multipart SDP + PIDF-LO body.
//
//   build/bench/sip_decode_bench --benchmark_counters_tabular=true
//
// docs/benchmarks.md records the results; docs/decisions/0007-sip-parser.md
// the libraries measured against the same INVITE.

#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

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

BENCHMARK_CAPTURE(sip_parse, cisco_invite, "cisco-911.sip");
BENCHMARK_CAPTURE(sip_decode, cisco_invite, "cisco-911.sip");
BENCHMARK_CAPTURE(json_decode, cisco_invite_as_json, "cisco-911.sip");
BENCHMARK_CAPTURE(sip_decode, pidf_lo_invite, "pidf-112.sip");
BENCHMARK_CAPTURE(json_decode, pidf_lo_invite_as_json, "pidf-112.sip");

}  // namespace

BENCHMARK_MAIN();
