// Cost of deciding whether a dialed string is an emergency call, with the
// reference registry's countries and prefix (the locator sees thousands of
// non-emergency calls a second and must reject them in well under 1 us).
//   build/bench/dial_plan_bench

#include <benchmark/benchmark.h>

#include "registry/dial_plan.h"

namespace {

using e911::registry::CallClass;
using e911::registry::DialPlan;

// The countries and prefixes of ../shared/fixtures/registry.yaml.
const DialPlan& plan() {
  static const DialPlan p({{"GB", {{"999", "112"}, {}}},
                           {"US", {{"911"}, {"933"}}},
                           {"FR", {{"112", "15", "17", "18"}, {}}}},
                          {"9"});
  return p;
}

void classify(benchmark::State& state, const char* dialed, const char* country, CallClass want) {
  if (plan().classify(dialed, country).cls != want) {
    state.SkipWithError("unexpected classification");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(plan().classify(dialed, country));
}

void maybe_emergency(benchmark::State& state, const char* dialed, bool want) {
  if (plan().maybe_emergency(dialed) != want) {
    state.SkipWithError("unexpected pre-filter answer");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(plan().maybe_emergency(dialed));
}

BENCHMARK_CAPTURE(classify, national_number_US, "5125550199", "US", CallClass::none);
BENCHMARK_CAPTURE(classify, e164_number_GB, "+442079460101", "GB", CallClass::none);
BENCHMARK_CAPTURE(classify, extension_US, "5001", "US", CallClass::none);
BENCHMARK_CAPTURE(classify, extension_DE_builtin, "5001", "DE", CallClass::none);
BENCHMARK_CAPTURE(classify, emergency_911_US, "911", "US", CallClass::emergency);
BENCHMARK_CAPTURE(classify, emergency_9_911_US, "9-911", "US", CallClass::emergency);
BENCHMARK_CAPTURE(classify, emergency_112_DE_builtin, "112", "DE", CallClass::emergency);
BENCHMARK_CAPTURE(maybe_emergency, national_number, "5125550199", false);
BENCHMARK_CAPTURE(maybe_emergency, e164_number, "+442079460101", false);
BENCHMARK_CAPTURE(maybe_emergency, emergency_911, "911", true);

// Building a plan, as a registry (re)load does.
void construct(benchmark::State& state) {
  for (auto _ : state) {
    DialPlan p({{"GB", {{"999", "112"}, {}}}, {"US", {{"911"}, {"933"}}}, {"FR", {{"112", "15", "17", "18"}, {}}}},
               {"9"});
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(construct);

}  // namespace

BENCHMARK_MAIN();
