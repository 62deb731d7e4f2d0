#include "common/observability/process_metrics.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "common/split_fields.h"

namespace e911::observability {
namespace {

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// /proc fields: separated by runs of spaces, the last one by the newline.
constexpr std::string_view kProcSeparators = " \n";

// /proc files report size 0, so read until EOF rather than by size.
std::optional<std::string> read_proc_file(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

prometheus::MetricFamily single_value(const char* name, const char* help, prometheus::MetricType type,
                                      double value) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  family.metric.push_back(std::move(m));
  return family;
}

}  // namespace

std::optional<std::uint64_t> parse_statm_resident_pages(std::string_view statm) {
  const auto fields = split_fields(statm, kProcSeparators);
  if (fields.size() < 2) return std::nullopt;
  return parse_u64(fields[1]);
}

std::optional<ProcStat> parse_proc_stat(std::string_view stat) {
  // "pid (comm) state ppid ...": comm is whatever the process named itself,
  // so the fields start after the LAST ')'.
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  const auto fields = split_fields(stat.substr(close + 1), kProcSeparators);
  // fields[0] is field 3 (state); utime, stime, starttime are fields 14, 15, 22.
  constexpr std::size_t kUtime = 14 - 3, kStime = 15 - 3, kStart = 22 - 3;
  if (fields.size() <= kStart) return std::nullopt;
  const auto utime = parse_u64(fields[kUtime]);
  const auto stime = parse_u64(fields[kStime]);
  const auto start = parse_u64(fields[kStart]);
  if (!utime || !stime || !start) return std::nullopt;
  return ProcStat{*utime, *stime, *start};
}

std::optional<std::int64_t> parse_boot_time(std::string_view proc_stat) {
  std::size_t pos = 0;
  while (pos < proc_stat.size()) {
    auto end = proc_stat.find('\n', pos);
    if (end == std::string_view::npos) end = proc_stat.size();
    const auto line = proc_stat.substr(pos, end - pos);
    if (line.starts_with("btime ")) {
      const auto fields = split_fields(line, kProcSeparators);
      if (fields.size() != 2) return std::nullopt;
      const auto v = parse_u64(fields[1]);
      if (!v) return std::nullopt;
      return static_cast<std::int64_t>(*v);
    }
    pos = end + 1;
  }
  return std::nullopt;
}

ProcessCollector::ProcessCollector() : start_time_seconds_(now_seconds()) {
  // Prefer the kernel's record (boot time + start ticks): it is the real
  // start, even when the collector is created late. The construction time
  // stays as the fallback.
  const auto self = read_proc_file("/proc/self/stat");
  const auto system = read_proc_file("/proc/stat");
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  if (!self || !system || ticks_per_second <= 0) return;
  const auto stat = parse_proc_stat(*self);
  const auto boot = parse_boot_time(*system);
  if (!stat || !boot) return;
  start_time_seconds_ =
      static_cast<double>(*boot) + static_cast<double>(stat->start_ticks) / static_cast<double>(ticks_per_second);
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  out.push_back(single_value("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                             prometheus::MetricType::Gauge, start_time_seconds_));
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (const auto statm = read_proc_file("/proc/self/statm"); statm && page_size > 0) {
    if (const auto pages = parse_statm_resident_pages(*statm)) {
      out.push_back(single_value("process_resident_memory_bytes", "Resident memory size in bytes.",
                                 prometheus::MetricType::Gauge,
                                 static_cast<double>(*pages) * static_cast<double>(page_size)));
    }
  }
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  if (const auto self = read_proc_file("/proc/self/stat"); self && ticks_per_second > 0) {
    if (const auto stat = parse_proc_stat(*self)) {
      out.push_back(single_value("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                                 prometheus::MetricType::Counter,
                                 static_cast<double>(stat->utime_ticks + stat->stime_ticks) /
                                     static_cast<double>(ticks_per_second)));
    }
  }
  return out;
}

}  // namespace e911::observability
