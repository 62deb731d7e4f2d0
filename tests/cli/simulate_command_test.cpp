// `e911 simulate`: deterministic simulated traffic that `e911 resolve`
// accepts line for line.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/files.h"

namespace e911 {
namespace {

const std::string kRegistry = test::source_dir() + "/ops/demo/registry.yaml";

TEST(SimulateCommand, WritesTrafficThatResolvesWithoutErrors) {
  const auto out = (std::filesystem::temp_directory_path() / ("e911-sim-" + std::to_string(::getpid()))).string();
  const std::string args = "simulate --registry " + kRegistry +
                           " --events 400 --emergency-share 0.3 --seed 3 --start 2026-11-21T10:00:00Z";
  auto r = test::run_e911(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ofstream(out, std::ios::binary) << r.out;
  EXPECT_EQ(test::read_lines(out).size(), 400u);
  const auto again = test::run_e911(args);
  EXPECT_TRUE(again.out == r.out) << "same seed, same traffic";

  r = test::run_e911("resolve --registry " + kRegistry, out);
  std::filesystem::remove(out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_GT(r.out.size(), 0u) << "some emergency calls come out";
}

TEST(SimulateCommand, RejectsBadOptions) {
  EXPECT_EQ(test::run_e911("simulate --registry " + kRegistry + " --events -1").exit_code, 2);
  EXPECT_EQ(test::run_e911("simulate --registry " + kRegistry + " --emergency-share 1.5").exit_code, 2);
  EXPECT_EQ(test::run_e911("simulate --events 5").exit_code, 2);
  EXPECT_EQ(test::run_e911("simulate --help").exit_code, 0);
}

}  // namespace
}  // namespace e911
