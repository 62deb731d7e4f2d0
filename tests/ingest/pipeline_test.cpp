// The whole pipeline from real telephony: a sipp caller dials 911 through
// a Kamailio proxy that mirrors its signalling (ops/kamailio/siptrace.cfg)
// to `e911 ingest`; `e911 locator`, `e911 notifier` and `e911 auditor` run
// as the processes an organisation deploys, on the embedded Kafka broker.
// The call must end as one e-mail in a real SMTP server (aiosmtpd) with the
// registry's location, and as a journaled call that `e911 audit verify`
// accepts; the proxy's two copies of every message give one alert.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/kafka/embedded_broker.h"
#include "common/config.h"
#include "tests/ingest/sip_peers.h"
#include "tests/support/occurrences.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"
#include "tests/support/child_process.h"
#include "tests/support/files.h"

namespace e911::ingest {
namespace {

namespace fs = std::filesystem;
using test::wait_until;

constexpr const char* kSigningSecret = "pipeline-test-signing-secret-0123456789";

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Config::Topics topics = Config().topics();
    for (const auto& [name, partitions] : std::vector<std::pair<std::string, int>>{
             {topics.call_events, 3}, {topics.location_updates, 3}, {topics.emergency_calls, 3},
             {topics.notifications, 3}, {topics.dead_letter, 1}}) {
      broker_.create_topic(name, partitions);
    }
    maildir_ = dir_.path("maildir");
    fs::create_directories(maildir_);
    smtp_ = std::make_unique<test::ChildProcess>(
        std::vector<std::string>{"/usr/bin/python3", test::source_dir() + "/tests/notifier/peers/smtp_server.py",
                                 "--port", std::to_string(test::free_loopback_port()), "--maildir", maildir_},
        dir_.path("smtp.log"));
    const auto smtp_port = smtp_->wait_for("port=", test::kDeadline);

    ingest_port_ = test::free_udp_port();
    const auto registry = test::source_dir() + "/tests/ingest/pipeline-registry.yaml";
    const auto secret = dir_.write("signing.secret", std::string(kSigningSecret) + "\n");
    store_ = "sqlite:" + dir_.path("journal.db");
    config_ = dir_.write(
        "e911.yaml",
        test::component_config_yaml(broker_.client_properties(), dir_.path("state")) +
            "locator:\n  registry: " + registry + "\n" +
            "notifier:\n  registry: " + registry + "\n  email: {transport: smtp}\n" +
            "  smtp: {host: 127.0.0.1, port: " + smtp_port + ", tls: none, from: \"e911@example.com\"}\n" +
            "auditor:\n  signing: {secret: {file: " + secret + "}}\n" +
            "ingest:\n  registry: " + registry + "\n  sip: {udp: \"127.0.0.1:" + std::to_string(ingest_port_) +
            "\"}\n");
    for (const char* component : {"locator", "notifier", "auditor", "ingest"}) {
      std::vector<std::string> argv{test::e911_binary(), component, "--config", config_};
      if (std::string(component) == "auditor") argv.insert(argv.end(), {"--store", store_});
      components_.push_back(
          std::make_unique<test::ChildProcess>(argv, dir_.path(std::string(component) + ".log")));
    }
    ASSERT_TRUE(test::wait_udp_bound(ingest_port_)) << test::read_file(dir_.path("ingest.log"));
    proxy_ = std::make_unique<test::SipProxy>(dir_, ingest_port_, test::MirrorFormat::plain_sip);
  }

  void TearDown() override {
    proxy_.reset();
    for (auto& c : components_) c->stop();
  }

  // The decoded text of every message received (smtp_server.py's N.json).
  std::vector<std::string> mails() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(maildir_))
      if (e.path().extension() == ".json") out.push_back(test::read_file(e.path().string()));
    return out;
  }

  test::TempDir dir_;
  kafka::EmbeddedBroker broker_;
  std::string maildir_, config_, store_;
  int ingest_port_ = 0;
  std::unique_ptr<test::ChildProcess> smtp_;
  std::vector<std::unique_ptr<test::ChildProcess>> components_;
  std::unique_ptr<test::SipProxy> proxy_;
};

TEST_F(PipelineTest, ASipEmergencyCallEndsAsOneAlertAndAVerifiedAuditEntry) {
  ASSERT_EQ(proxy_->place({.dialed = "911", .user = "5001", .display = "John Smith", .callback = "+15125550101"}), 0);

  ASSERT_TRUE(wait_until([&] { return !mails().empty(); }))
      << "no alert; logs in " << dir_.root() << "\n" << test::read_file(dir_.path("notifier.log"));
  const auto alert = mails().front();
  for (const char* text : {"Loopback Lab", "Loopback Lane", "John Smith", "+15125550101", "security.lab@example.com"})
    EXPECT_NE(alert.find(text), std::string::npos) << text << " not in\n" << alert;

  // Journaled, with its alert, and the chain verifies.
  ASSERT_TRUE(wait_until([&] {
    const auto r = test::run_e911("audit query --config " + config_ + " --store " + store_ + " --notified yes");
    return r.exit_code == 0 && r.out.find("\"dialed\":\"911\"") != std::string::npos;
  })) << test::read_file(dir_.path("auditor.log"));
  const auto verify = test::run_e911("audit verify --config " + config_ + " --store " + store_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // The proxy mirrored each message twice (as received and as sent), and
  // the call was answered and ended: still one alert.
  const auto query = test::run_e911("audit query --config " + config_ + " --store " + store_);
  EXPECT_EQ(mails().size(), 1u);
  EXPECT_EQ(test::occurrences(query.out, "\"call_id\""), 1u) << query.out;
}

}  // namespace
}  // namespace e911::ingest
