#include "bench/support/threads.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

namespace e911::bench {

std::map<int, ThreadSample> sample_threads() {
  std::map<int, ThreadSample> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    const std::string tid_text = entry.path().filename().string();
    std::ifstream f(entry.path() / "stat");
    std::string line;
    if (!std::getline(f, line)) continue;
    const auto open = line.find('(');
    const auto close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    ThreadSample s;
    s.comm = line.substr(open + 1, close - open - 1);
    std::istringstream rest(line.substr(close + 2));
    std::vector<std::string> fields;
    std::string tok;
    while (rest >> tok) fields.push_back(tok);
    if (fields.size() < 13) continue;
    s.ticks = std::stol(fields[11]) + std::stol(fields[12]);  // fields 14 and 15 of stat
    out[std::stoi(tid_text)] = s;
  }
  return out;
}

int current_tid() { return static_cast<int>(syscall(SYS_gettid)); }

void ThreadLabels::claim(const std::string& label) {
  for (const auto& [tid, s] : sample_threads()) labels_.try_emplace(tid, label);
}

std::string ThreadLabels::of(int tid) const {
  const auto it = labels_.find(tid);
  return it == labels_.end() ? "other" : it->second;
}

void print_thread_cpu(const ThreadLabels& labels, const std::map<int, ThreadSample>& before,
                      const std::map<int, ThreadSample>& after, double wall_s,
                      const std::function<std::string(int tid, const std::string& comm)>& rename, const char* indent,
                      int name_width) {
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  std::map<std::pair<std::string, std::string>, std::pair<double, int>> by_kind;  // (label, comm) -> (s, threads)
  double total = 0;
  for (const auto& [tid, s] : after) {
    const auto b = before.find(tid);
    const long d = s.ticks - (b == before.end() ? 0 : b->second.ticks);
    auto& slot = by_kind[{labels.of(tid), rename ? rename(tid, s.comm) : s.comm}];
    slot.first += static_cast<double>(d) / tick;
    slot.second += 1;
    total += static_cast<double>(d) / tick;
  }
  std::vector<std::pair<double, std::string>> rows;
  for (const auto& [k, v] : by_kind) {
    if (v.first < 0.005 * wall_s) continue;
    rows.push_back({v.first, k.first + " / " + k.second + (v.second > 1 ? " (x" + std::to_string(v.second) + ")" : "")});
  }
  std::sort(rows.rbegin(), rows.rend());
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  std::printf("%sCPU time by thread (owner / thread name), %.2f s wall, %ld cores = %.2f core-s available:\n", indent,
              wall_s, cores, static_cast<double>(cores) * wall_s);
  for (const auto& [s, name] : rows) {
    std::printf("%s  %-*s %7.2f s  %5.1f%% of one core\n", indent, name_width, name.c_str(), s, 100.0 * s / wall_s);
  }
  std::printf("%s  %-*s %7.2f s  %5.1f%% of one core\n", indent, name_width, "total (this process)", total,
              100.0 * total / wall_s);
}

}  // namespace e911::bench
