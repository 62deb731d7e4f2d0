#pragma once
// The standard process_* metrics every Prometheus client exports, read
// from /proc at scrape time so they are never stale:
//   process_start_time_seconds     gauge, Unix time the process started
//   process_resident_memory_bytes  gauge, from /proc/self/statm
//   process_cpu_seconds_total      counter, user + system CPU time
// The parsers are pure and tested on their own.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace e911::observability {

// Second field of /proc/self/statm: resident set size in pages.
std::optional<std::uint64_t> parse_statm_resident_pages(std::string_view statm);

struct ProcStat {
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::uint64_t start_ticks = 0;  // since boot
};
// /proc/self/stat; the command name in parentheses may hold spaces and ')'.
std::optional<ProcStat> parse_proc_stat(std::string_view stat);

// The "btime" line of /proc/stat: boot time, seconds since the Unix epoch.
std::optional<std::int64_t> parse_boot_time(std::string_view proc_stat);

class ProcessCollector : public prometheus::Collectable {
 public:
  // Works out the start time once: it never changes.
  ProcessCollector();
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  double start_time_seconds_ = 0.0;
};

}  // namespace e911::observability
