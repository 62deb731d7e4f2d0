#include "bench/support/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace e911::bench {

double seconds_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

std::string fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s(buf);
  const auto dot = s.find('.');
  std::string head = s.substr(0, dot == std::string::npos ? s.size() : dot);
  const std::string tail = dot == std::string::npos ? "" : s.substr(dot);
  const bool neg = !head.empty() && head[0] == '-';
  if (neg) head.erase(0, 1);
  std::string out;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (i > 0 && (head.size() - i) % 3 == 0) out += ',';
    out += head[i];
  }
  return (neg ? "-" : "") + out + tail;
}

Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  p.n = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  const auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(i == 0 ? 0 : i - 1, v.size() - 1)];
  };
  p.min = v.front();
  p.p50 = at(0.50);
  p.p95 = at(0.95);
  p.p99 = at(0.99);
  p.p999 = at(0.999);
  p.max = v.back();
  double sum = 0;
  for (const double x : v) sum += x;
  p.mean = sum / static_cast<double>(v.size());
  return p;
}

std::optional<std::string> json_string_field(std::string_view json, std::string_view name) {
  const std::string needle = "\"" + std::string(name) + "\":\"";
  const auto at = json.find(needle);
  if (at == std::string_view::npos) return std::nullopt;
  const auto begin = at + needle.size();
  const auto end = json.find('"', begin);
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(json.substr(begin, end - begin));
}

std::string describe_props(const kafka::Properties& p, std::initializer_list<const char*> keys) {
  std::string out;
  for (const char* k : keys) {
    const auto it = p.find(k);
    out += std::string(out.empty() ? "" : ", ") + k + "=" + (it == p.end() ? "(librdkafka default)" : it->second);
  }
  return out;
}

}  // namespace e911::bench
