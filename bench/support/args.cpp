#include "bench/support/args.h"

#include <cstdlib>
#include <iostream>

namespace e911::bench {

ArgReader::ArgReader(int argc, char** argv, std::string program, const char* usage)
    : argc_(argc), argv_(argv), program_(std::move(program)), usage_(usage) {}

bool ArgReader::next() {
  if (++i_ >= argc_) return false;
  arg_ = argv_[i_];
  if (arg_ == "--help" || arg_ == "-h") {
    std::cout << usage_;
    std::exit(0);
  }
  return true;
}

std::string ArgReader::value() {
  if (i_ + 1 >= argc_) usage_error(arg_ + " needs a value");
  return argv_[++i_];
}

double ArgReader::number(double lo, double hi) {
  const std::string v = value();
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !(d >= lo && d <= hi)) usage_error(arg_ + ": not a number in range: " + v);
  return d;
}

void ArgReader::property(kafka::Properties& props) {
  const std::string kv = value();
  const auto eq = kv.find('=');
  if (eq == std::string::npos || eq == 0) usage_error("--set wants KEY=VALUE, not " + kv);
  props[kv.substr(0, eq)] = kv.substr(eq + 1);
}

void ArgReader::usage_error(const std::string& why) const {
  std::cerr << program_ << ": " << why << "\n" << usage_;
  std::exit(2);
}

bool read_pipeline_option(ArgReader& in, PipelineArgs& a) {
  const std::string& arg = in.arg();
  if (arg == "--registry") {
    a.registry = in.value();
  } else if (arg == "--seed") {
    a.seed = static_cast<std::uint64_t>(in.number(0, 1e15));
  } else if (arg == "--set") {
    in.property(a.overrides);
  } else if (arg == "--seconds") {
    a.seconds = in.number(1, 3600);
  } else if (arg == "--warmup-seconds") {
    a.warmup_seconds = in.number(0, 3600);
  } else {
    return false;
  }
  return true;
}

}  // namespace e911::bench
