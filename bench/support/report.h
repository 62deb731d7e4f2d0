#pragma once
// What the benchmarks print: numbers with thousands separators,
// percentiles of a sample, the client settings a run used.

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/kafka/properties.h"

namespace e911::bench {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b);
double ms_between(Clock::time_point a, Clock::time_point b);

// `v` with `decimals` decimals and thousands separators: 1,234,567.8.
std::string fmt(double v, int decimals = 0);

struct Percentiles {
  std::size_t n = 0;
  double min = 0, p50 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
};
// Nearest-rank percentiles (the smallest value with at least q of the
// sample at or below it).
Percentiles percentiles(std::vector<double> v);

// The value of the first "name":"..." in a JSON text the bench itself
// produced (no escapes): a fast key extractor, not a JSON parser.
std::optional<std::string> json_string_field(std::string_view json, std::string_view name);

// "key=value, ..." of `keys` in `p` ("(librdkafka default)" when unset).
std::string describe_props(const kafka::Properties& p, std::initializer_list<const char*> keys);

}  // namespace e911::bench
