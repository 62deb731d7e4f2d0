// `e911 registry check` and `e911 registry import-pureconnect`, running the
// binary.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "registry/registry_loader.h"
#include "tests/support/files.h"

namespace e911::registry {
namespace {

const std::string kSample = test::source_dir() + "/tests/registry/data/pureconnect-phones.csv";

TEST(RegistryCheckCommand, ExitStatusAndMessages) {
  const auto ok = test::run_e911("registry check " + test::shared_fixture("registry.yaml"));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find(": OK: 2 sites, 3 zones"), std::string::npos) << ok.out;
  const auto missing = test::run_e911("registry check /nonexistent/registry.yaml");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot read registry file"), std::string::npos);
}

class ImportCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("e911-pc-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::filesystem::path dir_;
  const std::string registry_ = test::shared_fixture("registry.yaml");
};

TEST_F(ImportCommand, WritesStationsOrAMergedRegistry) {
  auto r = test::run_e911("registry import-pureconnect --registry " + registry_ + " " + kSample);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const YAML::Node out = YAML::Load(r.out);
  ASSERT_EQ(out["stations"].size(), 6u);
  EXPECT_EQ(out["stations"][0]["mac"].as<std::string>(), "00:04:f2:1a:20:01");
  EXPECT_NE(r.err.find("note: ignoring columns not used for stations: \"Department\", \"DID\""), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("6 stations imported (austin-office 2, london-hq 4)"), std::string::npos) << r.err;

  r = test::run_e911("registry import-pureconnect --registry " + registry_ + " --merge " + kSample);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto merged = write("merged.yaml", r.out);
  const auto load = load_registry_file(merged);
  ASSERT_TRUE(load.ok()) << r.out;
  EXPECT_EQ(load.registry->data().stations.size(), 7u);
  const auto check = test::run_e911("registry check " + merged);
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("7 stations"), std::string::npos) << check.out;

  // Without a registry: taken as written.
  r = test::run_e911("registry import-pureconnect " + kSample);
  EXPECT_EQ(r.exit_code, 1) << "row 6 has no Site and nothing to find it by";
  EXPECT_NE(r.err.find("pureconnect-phones.csv:6: Site: missing"), std::string::npos) << r.err;
}

TEST_F(ImportCommand, InvalidRowsExitOneWithEveryLineOnStderrAndNothingOnStdout) {
  const auto csv = write("phones.csv", "DisplayName,NetworkID,Extension,Site,Zone\n"
                                       "Ann,00:04:f2:1a:a0:01,6001,london-hq,london-l4\n"
                                       "Bob,00:04:f2,6002,london-hq,london-l4\n"
                                       "\"Cy, \"\"C\"\"\nSmith\",00:04:f2:1a:a0:01,6003,london-hq,london-l9\n");
  const auto r = test::run_e911("registry import-pureconnect --registry " + registry_ + " " + csv);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(csv + ":3: NetworkID: not a MAC address: \"00:04:f2\"\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(csv + ":4: NetworkID: duplicate MAC 00:04:f2:1a:a0:01 (also on line 2)\n"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(csv + ":4: Zone: unknown zone \"london-l9\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(csv + ": 3 errors; nothing written"), std::string::npos) << r.err;
}

TEST_F(ImportCommand, UsageErrorsExitTwo) {
  EXPECT_EQ(test::run_e911("registry import-pureconnect").exit_code, 2);
  EXPECT_EQ(test::run_e911("registry import-pureconnect --merge " + kSample).exit_code, 2);
  EXPECT_EQ(test::run_e911("registry import-pureconnect --bogus " + kSample).exit_code, 2);
  EXPECT_EQ(test::run_e911("registry import-pureconnect a.csv b.csv").exit_code, 2);
  EXPECT_EQ(test::run_e911("registry import-pureconnect " + (dir_ / "missing.csv").string()).exit_code, 2);
  const auto bad_registry = write("bad.yaml", "version: 1\n");
  const auto r = test::run_e911("registry import-pureconnect --registry " + bad_registry + " " + kSample);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing sites"), std::string::npos) << r.err;
  const auto help = test::run_e911("registry import-pureconnect --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: e911 registry import-pureconnect"), std::string::npos);
  EXPECT_NE(test::run_e911("registry --help").out.find("import-pureconnect"), std::string::npos);
  // `registry check` is unchanged.
  EXPECT_EQ(test::run_e911("registry check " + registry_).exit_code, 0);
  EXPECT_EQ(test::run_e911("registry check").exit_code, 2);
}

}  // namespace
}  // namespace e911::registry
