#pragma once
// Command-line reading for the benchmarks: "--name value" options, --help,
// numbers within a range, --set KEY=VALUE librdkafka properties; a usage
// error names the option and what was wrong, prints the usage, exits 2.

#include <cstdint>
#include <string>

#include "common/kafka/properties.h"

namespace e911::bench {

class ArgReader {
 public:
  // `usage` is printed for --help (exit 0) and after a usage error.
  ArgReader(int argc, char** argv, std::string program, const char* usage);

  // Moves to the next argument; false after the last. --help ends here.
  bool next();
  const std::string& arg() const { return arg_; }
  // The value of the current option.
  std::string value();
  // The value as a number within [lo, hi].
  double number(double lo, double hi);
  // --set KEY=VALUE: the property into `props`.
  void property(kafka::Properties& props);
  [[noreturn]] void usage_error(const std::string& why) const;
  [[noreturn]] void unknown() const { usage_error("unknown option " + arg_); }

 private:
  int argc_;
  char** argv_;
  int i_ = 0;
  std::string program_;
  const char* usage_;
  std::string arg_;
};

// The options the pipeline benchmarks (locator, notifier) share, for their
// Args to derive from; each sets its own defaults.
struct PipelineArgs {
  std::string registry;           // --registry FILE
  std::uint64_t seed = 7;         // --seed N: the simulator's
  kafka::Properties overrides;    // --set KEY=VALUE
  double seconds = 30;            // --seconds S: measured seconds of a paced run
  double warmup_seconds = 3;      // --warmup-seconds W
};

// Reads the current option into `a` when it is one of PipelineArgs';
// false when it is not.
bool read_pipeline_option(ArgReader& in, PipelineArgs& a);

}  // namespace e911::bench
