#pragma once
// CPU time per thread of this process (from /proc/self/task), labelled by
// the part of the benchmark that started the thread, so a run can say
// where its cores went.

#include <functional>
#include <map>
#include <string>

namespace e911::bench {

struct ThreadSample {
  std::string comm;  // the thread's name
  long ticks = 0;    // utime + stime, in clock ticks
};

// Every thread of this process now, by thread id.
std::map<int, ThreadSample> sample_threads();

int current_tid();

class ThreadLabels {
 public:
  // Every thread not labelled yet gets `label`.
  void claim(const std::string& label);
  void set(int tid, const std::string& label) { labels_[tid] = label; }
  std::string of(int tid) const;

 private:
  std::map<int, std::string> labels_;
};

// Prints the CPU seconds each (label, thread name) used between the two
// samples, busiest first; `rename` may merge thread names (rdk:* for all
// of librdkafka's, say). `indent` starts each line.
void print_thread_cpu(const ThreadLabels& labels, const std::map<int, ThreadSample>& before,
                      const std::map<int, ThreadSample>& after, double wall_s,
                      const std::function<std::string(int tid, const std::string& comm)>& rename, const char* indent,
                      int name_width);

}  // namespace e911::bench
