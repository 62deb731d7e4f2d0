// `e911 auditor`: a configuration that cannot work is refused before
// anything starts, naming the key and echoing no secret; a good one
// starts, says where the journal is (never with a password) and stops
// cleanly on SIGTERM.

#include <gtest/gtest.h>

#include "common/kafka/embedded_broker.h"
#include "tests/kafka/kafka_test_util.h"
#include "tests/support/child_process.h"
#include "tests/support/files.h"
#include "tests/support/postgres_server.h"

namespace e911 {
namespace {

constexpr const char* kSecret = "auditor-command-test-secret-0123456789abcdef";

class AuditorCommand : public ::testing::Test {
 protected:
  static void TearDownTestSuite() { test::PostgresServer::stop_shared(); }

  // A config with `auditor_lines` under auditor: (and a signing secret
  // file unless `with_secret` is false).
  std::string config(const std::string& auditor_lines, bool with_secret = true,
                     const std::string& bootstrap = "127.0.0.1:9") {
    const auto secret = dir_.write("signing.secret", std::string(kSecret) + "\n");
    return dir_.write("e911.yaml", "kafka: {bootstrap.servers: \"" + bootstrap + "\"}\n"
                                   "state_dir: " + dir_.path("state") + "\n" +
                                       "metrics: {port: 0}\n"
                                       "auditor:\n  group_id: e911-auditor\n" +
                                       (with_secret ? "  signing: {secret: {file: " + secret + "}}\n" : "") +
                                       auditor_lines);
  }
  kafka::test::TempDir dir_;
};

TEST_F(AuditorCommand, ExplainsItself) {
  const auto r = test::run_e911("auditor --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* text : {"--config", "--state-dir", "--store", "auditor.signing.secret.file",
                           "E911_AUDITOR_SIGNING_SECRET", "SIGTERM"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text;
  }
}

TEST_F(AuditorCommand, RefusesToStartWithoutASigningKey) {
  const auto r = test::run_e911("auditor --config " + config("", /*with_secret=*/false));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("auditor.signing.secret.file: not set"), std::string::npos) << r.err;
}

TEST_F(AuditorCommand, BadConfigurationNamesTheKey) {
  auto r = test::run_e911("auditor --config " + config("  batch_max: lots\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("auditor.batch_max: expected an integer"), std::string::npos) << r.err;
  r = test::run_e911("auditor --config " + config("  signing: {algorithm: none}\n", /*with_secret=*/false));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("auditor.signing.algorithm: expected HS256, ES256 or RS256"), std::string::npos) << r.err;
  r = test::run_e911("auditor --config " + config("") + " --store 'postgresql://auditor@db/e911?no_such_parameter=1'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--store"), std::string::npos) << r.err;
  r = test::run_e911("auditor --config " + config("") + " extra");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unexpected argument 'extra'"), std::string::npos) << r.err;
}

TEST_F(AuditorCommand, RefusesAPasswordOnTheCommandLine) {
  const auto r = test::run_e911("auditor --config " + config("") +
                                " --store postgresql://auditor:hunter2-secret@db.example:5432/e911");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--store: the URL holds a password"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("hunter2-secret"), std::string::npos) << r.err;
}

TEST_F(AuditorCommand, StartsSaysWhereTheJournalIsAndStopsOnSigterm) {
  kafka::EmbeddedBroker broker;
  const auto yaml = config("", true, broker.bootstrap_servers());
  const std::vector<std::string> argv{test::e911_binary(), "auditor", "--config", yaml, "--store",
                                      "sqlite:" + dir_.path("journal.db")};
  test::ChildProcess auditor(argv, dir_.path("auditor.log"));
  const auto journal = auditor.wait_for("e911 auditor: journal ", kafka::test::kDeadline);
  EXPECT_EQ(journal, "sqlite:" + dir_.path("journal.db") + " (last seq 0)");
  auditor.wait_for("e911 auditor: metrics on 127.0.0.1:", kafka::test::kDeadline);
  auditor.stop();
  EXPECT_EQ(auditor.exit_code(), 0) << test::read_file(dir_.path("auditor.log"));
  const auto log = test::read_file(dir_.path("auditor.log"));
  EXPECT_EQ(log.find(kSecret), std::string::npos);
  // The configuration is logged as a JSON string: its quotes are escaped.
  EXPECT_NE(log.find(R"(\"auditor.signing.secret\":\"[redacted]\")"), std::string::npos) << log;
}

TEST_F(AuditorCommand, APasswordInTheConfiguredStoreIsNeverShown) {
  if (test::PostgresServer::bin_dir().empty()) GTEST_SKIP() << "no PostgreSQL server binaries";
  auto& server = test::PostgresServer::shared();
  const auto database = server.create_database();
  // The test server trusts every connection: any password gets in.
  const std::string password = "pw-never-shown-42";
  const auto url = "postgresql://e911:" + password + "@127.0.0.1:" + std::to_string(server.port()) + "/" + database;
  kafka::EmbeddedBroker broker;
  const auto yaml = config("  store: \"" + url + "\"\n", true, broker.bootstrap_servers());
  test::ChildProcess auditor({test::e911_binary(), "auditor", "--config", yaml}, dir_.path("auditor.log"));
  const auto journal = auditor.wait_for("e911 auditor: journal ", kafka::test::kDeadline);
  EXPECT_EQ(journal.find(password), std::string::npos) << journal;
  EXPECT_NE(journal.find("postgresql://e911@127.0.0.1:"), std::string::npos) << journal;
  auditor.stop();
  EXPECT_EQ(auditor.exit_code(), 0);
  const auto log = test::read_file(dir_.path("auditor.log"));
  EXPECT_EQ(log.find(password), std::string::npos) << log;
}

}  // namespace
}  // namespace e911
