// `e911 notifier`: a configuration that cannot work is refused before
// anything starts, with the key named and no secret echoed.

#include <gtest/gtest.h>

#include "tests/kafka/kafka_test_util.h"
#include "tests/support/files.h"

namespace e911 {
namespace {

class NotifierCommand : public ::testing::Test {
 protected:
  // A config for the shared registry (e-mail, SMS and webhook contacts)
  // with `notifier_lines` added under notifier:.
  std::string config(const std::string& notifier_lines) {
    return dir_.write("e911.yaml", "kafka: {bootstrap.servers: \"127.0.0.1:9\"}\n"
                                   "state_dir: " + dir_.path("state") + "\n" +
                                       "notifier:\n  registry: " + test::shared_fixture("registry.yaml") + "\n" +
                                       notifier_lines);
  }
  kafka::test::TempDir dir_;
};

TEST_F(NotifierCommand, ExplainsItself) {
  const auto r = test::run_e911("notifier --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* text : {"--config", "--state-dir", "notifier.email.transport", "E911_..._FILE"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text;
  }
}

TEST_F(NotifierCommand, AChannelTheRegistryUsesNeedsATransport) {
  const auto r = test::run_e911("notifier --config " +
                                config("  email: {transport: outbox}\n  webhook: {transport: outbox}\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("notifier.sms.transport: not set, but the registry has SMS contacts"), std::string::npos)
      << r.err;
}

TEST_F(NotifierCommand, UnknownTransportsAndMissingSettingsAreNamed) {
  auto r = test::run_e911("notifier --config " + config("  email: {transport: carrier-pigeon}\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("notifier.email.transport: expected smtp or outbox, got \"carrier-pigeon\""),
            std::string::npos)
      << r.err;
  r = test::run_e911("notifier --config " +
                     config("  email: {transport: smtp}\n  sms: {transport: outbox}\n  webhook: {transport: outbox}\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("notifier.smtp.host: not set"), std::string::npos) << r.err;
}

TEST_F(NotifierCommand, AcknowledgementLinksNeedASecretAndSecretsAreNeverEchoed) {
  const std::string channels = "  email: {transport: outbox}\n  sms: {transport: outbox}\n  webhook: {transport: outbox}\n";
  auto r = test::run_e911("notifier --config " + config(channels + "  ack: {base_url: \"https://ack.example.com\"}\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("notifier.ack.secret: not set"), std::string::npos) << r.err;
  r = test::run_e911("notifier --config " +
                     config(channels + "  ack: {base_url: \"https://ack.example.com\", secret: \"hunter2\"}\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("notifier.ack.secret: too short"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;
}

TEST_F(NotifierCommand, ARegistryWithErrorsIsRefused) {
  const auto bad = dir_.write("bad.yaml", "version: 1\nsites:\n  - {id: x, notify: nowhere}\n");
  const auto r = test::run_e911("notifier --config " + config("") + " --registry " + bad);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("invalid registry " + bad), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("usage:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace e911
