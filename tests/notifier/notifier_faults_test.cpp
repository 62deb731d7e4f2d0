// The notifier against a real SMTP server (Debian's python3-aiosmtpd,
// tests/notifier/peers/smtp_server.py) and the embedded Kafka broker, under
// faults: the relay down when the call arrives and up later; the relay
// refusing recipients (550); the `e911 notifier` process SIGKILLed in the
// middle of a burst of 100 calls and restarted; a relay hanging for longer
// than max.poll.interval.ms (back-pressure without leaving the group).

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "common/service/background_service.h"
#include "common/kafka/producer.h"
#include "common/kafka/topic_reader.h"
#include "consumers/notifier/notifier_service.h"
#include "consumers/notifier/smtp_transport.h"
#include "tests/kafka/kafka_test_util.h"
#include "tests/notifier/fault_mail.h"
#include "tests/notifier/three_recipients.h"
#include "tests/notifier/locator_output.h"
#include "tests/notifier/notifier_kafka_fixture.h"
#include "tests/support/child_process.h"
#include "tests/support/emitted.h"
#include "tests/support/files.h"
#include "tests/support/json.h"
#include "tests/support/occurrences.h"

namespace e911::notifier {
namespace {

using kafka::test::kDeadline;
namespace fs = std::filesystem;

// Debian's interpreter, which has python3-aiosmtpd (see smtp_transport_test.cpp).
constexpr const char* kPython = "/usr/bin/python3";

using kafka::test::wait_until;

using test_mail::call_numbered;
using test_mail::read_maildir;

// Notification id -> the statuses of its records on e911.notifications.
using StatusesById = std::map<std::string, std::multiset<std::string>>;

// How many records, over every alert, have `status`.
std::size_t count_status(const StatusesById& seen, const std::string& status) {
  std::size_t n = 0;
  for (const auto& [id, statuses] : seen) n += statuses.count(status);
  return n;
}

class NotifierFaultsTest : public NotifierKafkaTest {
 protected:
  void SetUp() override {
    NotifierKafkaTest::SetUp();
    registry_ = dir_.write("registry.yaml", test_registry::kThreeRecipients);
    maildir_ = dir_.path("maildir");
    fs::create_directories(maildir_);
  }

  void start_smtp(int port, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{kPython, test::source_dir() + "/tests/notifier/peers/smtp_server.py",
                                  "--port", std::to_string(port), "--maildir", maildir_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    smtp_ = std::make_unique<test::ChildProcess>(argv, dir_.path("smtp.log"));
    smtp_->wait_for("port=", std::chrono::seconds(30));
  }

  std::size_t mails() {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(maildir_)) n += e.path().extension() == ".json";
    return n;
  }

  // `e911 notifier` on a configuration with `props` for Kafka, this
  // fixture's registry, group and state, the SMTP server on `smtp_port`
  // and `extra` notifier settings (YAML lines under notifier:).
  std::vector<std::string> notifier_command(const kafka::Properties& props, int smtp_port, const std::string& extra) {
    const std::string config = dir_.write(
        "e911.yaml", test::component_config_yaml(props, dir_.path("state")) + "notifier:\n" +
                         "  registry: " + registry_ + "\n" +
                         "  group_id: " + group_ + "\n" + extra + "  email: {transport: smtp}\n" +
                         "  smtp: {host: 127.0.0.1, port: " + std::to_string(smtp_port) +
                         ", tls: none, from: \"e911@example.com\"}\n");
    return {test::e911_binary(), "notifier", "--config", config};
  }

  // Messages received for one call (its X-E911-Call-Id header).
  std::size_t mails_for(const std::string& call_id) {
    std::size_t n = 0;
    for (const auto& raw : read_maildir(maildir_).raw) n += raw.find("X-E911-Call-Id: " + call_id) != std::string::npos;
    return n;
  }

  void produce(const std::string& call_json, const std::string& key) {
    producer_->produce(topics_.emergency_calls, key, call_json);
  }

  // The records on e911.notifications so far.
  StatusesById records() {
    StatusesById out;
    kafka::read_to_end(props_, topics_.notifications, [&](const kafka::Message& m) {
      rapidjson::Document d;
      d.Parse(m.value.data(), m.value.size());
      if (d.HasParseError()) return;
      out[test::member_string(d, "notification_id")].insert(test::member_string(d, "status"));
    });
    return out;
  }

  NotifierServiceOptions service_options(int smtp_port) {
    NotifierServiceOptions o = fixture_options();
    o.retry.initial_delay = std::chrono::milliseconds(100);
    o.retry.max_delay = std::chrono::milliseconds(500);
    SmtpSettings smtp;
    smtp.host = "127.0.0.1";
    smtp.port = static_cast<std::uint16_t>(smtp_port);
    smtp.tls = SmtpSettings::Tls::none;
    smtp.from = "E911 Alerts <e911@example.com>";
    smtp.timeouts.connect = std::chrono::milliseconds(2000);
    smtp.timeouts.io = std::chrono::milliseconds(5000);
    o.transports[Channel::email] = std::make_shared<SmtpTransport>(smtp);
    return o;
  }

  std::string maildir_;
  std::unique_ptr<test::ChildProcess> smtp_;
};

// Runs a NotifierService on its own thread for the length of a scope.
class RunningService {
 public:
  explicit RunningService(NotifierServiceOptions options)
      : service_(std::move(options), observability::MetricsRegistry()), run_(service_) {}
  NotifierService& operator*() { return service_; }
  NotifierService* operator->() { return &service_; }
  std::string error() const { return run_.error(); }

 private:
  NotifierService service_;
  service::BackgroundService run_;  // stopped and joined first
};

TEST_F(NotifierFaultsTest, RelayDownWhenTheCallArrivesIsDeliveredOnceItIsUp) {
  const int port = test::free_loopback_port();
  RunningService service(service_options(port));
  produce(call_numbered("c-down"), "c-down");
  ASSERT_TRUE(producer_->flush(kDeadline));
  // Nothing listens yet: every alert is retried, more than once.
  ASSERT_TRUE(wait_until([&] { return service->stats().attempts_failed >= 6; })) << service.error();
  EXPECT_EQ(service->stats().alerts_sent, 0u);
  start_smtp(port);
  ASSERT_TRUE(wait_until([&] { return service->stats().alerts_sent == 3; })) << service.error();
  EXPECT_EQ(mails(), 3u);
  EXPECT_EQ(service->stats().alerts_failed, 0u);
  EXPECT_EQ(service->stats().escalations, 0u);
  StatusesById seen;
  ASSERT_TRUE(wait_until([&] { return count_status(seen = records(), "sent") == 3; }));
  for (const auto& [id, statuses] : seen) {
    EXPECT_GE(statuses.count("retrying"), 2u) << id;
    EXPECT_EQ(statuses.count("sent"), 1u) << id;
  }
}

TEST_F(NotifierFaultsTest, Rejected550IsNotRetriedAndTheFallbackListIsAlerted) {
  const int port = test::free_loopback_port();
  start_smtp(port, {"--reject-rcpt", "550 5.1.1 user unknown", "--reject-rcpt-to", "desk@example.com",
                    "--reject-rcpt-to", "manager@example.com", "--reject-rcpt-to", "guard@example.com"});
  RunningService service(service_options(port));
  produce(call_numbered("c-550"), "c-550");
  ASSERT_TRUE(producer_->flush(kDeadline));
  ASSERT_TRUE(wait_until([&] { return mails() == 1; })) << service.error();
  const auto box = read_maildir(maildir_);
  EXPECT_EQ(box.recipients.at(0), "soc@example.com");
  EXPECT_NE(box.raw.at(0).find("ESCALATED: every alert to london-security failed"), std::string::npos);
  EXPECT_EQ(service->stats().alerts_failed, 3u);
  EXPECT_EQ(service->stats().attempts_failed, 0u);  // a 550 is not retried
  EXPECT_EQ(service->stats().escalations, 1u);
  StatusesById seen;
  ASSERT_TRUE(wait_until([&] { return count_status(seen = records(), "escalated") == 3; }));
  EXPECT_EQ(count_status(seen, "failed"), 3u);
}

// The whole process, killed with SIGKILL mid-burst and restarted on the
// same state: every alert is delivered, duplicates stay within the
// documented window (an attempt accepted by the server but not yet
// recorded: at most one per worker), and every alert has its record.
TEST_F(NotifierFaultsTest, SigkillMidBurstLosesNoAlert) {
  const int port = test::free_loopback_port();
  start_smtp(port);
  constexpr int kCalls = 100;
  constexpr int kRecipients = 3;
  constexpr int kWorkers = 8;
  const auto argv = notifier_command(props_, port,
                                     "  workers_per_channel: " + std::to_string(kWorkers) +
                                         "\n  retry: {initial_delay_ms: 100, max_delay_ms: 500}\n");
  auto notifier = std::make_unique<test::ChildProcess>(argv, dir_.path("notifier-1.log"));
  for (int i = 0; i < kCalls; ++i) {
    const auto id = "burst-" + std::to_string(i);
    produce(call_numbered(id), id);
  }
  ASSERT_TRUE(producer_->flush(kDeadline));
  ASSERT_TRUE(wait_until([&] { return mails() >= 60 || !notifier->running(); }));
  ASSERT_TRUE(notifier->running()) << test::read_file(dir_.path("notifier-1.log"));
  notifier->kill_now();
  const auto at_kill = mails();
  notifier = std::make_unique<test::ChildProcess>(argv, dir_.path("notifier-2.log"));

  std::size_t distinct = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        distinct = read_maildir(maildir_).distinct();
        return distinct == kCalls * kRecipients;
      },
      std::chrono::seconds(120)))
      << distinct << " distinct messages; log:\n"
      << test::read_file(dir_.path("notifier-2.log"));
  const auto duplicates = read_maildir(maildir_).duplicates();
  std::cout << "[ measure  ] " << kCalls * kRecipients << " alerts, killed after " << at_kill << " were accepted; "
            << duplicates << " duplicate(s) after the restart (bound: " << kWorkers << ")\n";
  RecordProperty("duplicates", static_cast<int>(duplicates));
  EXPECT_LE(duplicates, static_cast<std::size_t>(kWorkers));

  // Every alert's "sent" record reaches e911.notifications (none lost with
  // the process), each at least once.
  StatusesById seen;
  ASSERT_TRUE(wait_until([&] {
    seen = records();
    std::size_t with_sent = 0;
    for (const auto& [id, statuses] : seen) with_sent += statuses.count("sent") > 0;
    return with_sent == kCalls * kRecipients;
  })) << seen.size();
  notifier->stop();
  EXPECT_EQ(notifier->exit_code(), 0) << test::read_file(dir_.path("notifier-2.log"));
}

// A notifier SIGKILLed and restarted at once while calls keep coming: the
// next call is alerted within the bound of docs/operations.md ("Consumer
// groups"): the dead member's session (session.timeout.ms, 10 s by default)
// plus the group's join, at once on a broker with static membership. With
// librdkafka's default session (45 s) it took 44 s and more.
TEST_F(NotifierFaultsTest, AKilledAndRestartedNotifierAlertsTheNextCallWithinTheSessionTimeout) {
  const int port = test::free_loopback_port();
  start_smtp(port);
  auto props = props_;
  props.erase("session.timeout.ms");  // the emergency default, not the tests' short one
  const auto argv = notifier_command(props, port, "");
  auto notifier = std::make_unique<test::ChildProcess>(argv, dir_.path("notifier-1.log"));
  produce(call_numbered("c-before-kill"), "c-before-kill");
  ASSERT_TRUE(producer_->flush(kDeadline));
  ASSERT_TRUE(wait_until([&] { return mails_for("c-before-kill") == 3 || !notifier->running(); },
                         std::chrono::seconds(120)))
      << test::read_file(dir_.path("notifier-1.log"));
  ASSERT_TRUE(notifier->running()) << test::read_file(dir_.path("notifier-1.log"));

  notifier->kill_now();
  notifier = std::make_unique<test::ChildProcess>(argv, dir_.path("notifier-2.log"));
  const auto produced = std::chrono::steady_clock::now();
  produce(call_numbered("c-after-restart"), "c-after-restart");
  ASSERT_TRUE(producer_->flush(kDeadline));
  ASSERT_TRUE(wait_until([&] { return mails_for("c-after-restart") >= 1 || !notifier->running(); },
                         std::chrono::seconds(120)))
      << test::read_file(dir_.path("notifier-2.log"));
  const auto waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - produced).count();
  std::cout << "[ measure  ] the call after the restart was alerted " << waited << " s after it was produced\n";
  RecordProperty("seconds_to_alert_after_restart", static_cast<int>(waited));
  // The bound: the 10 s session, the group's join and the alert, with room
  // for a sanitizer build on a loaded machine (19 s measured on the plain
  // build); below the 45 s session alone of librdkafka's default.
  EXPECT_LT(waited, 40.0) << test::read_file(dir_.path("notifier-2.log"));
  notifier->stop();
  EXPECT_EQ(notifier->exit_code(), 0) << test::read_file(dir_.path("notifier-2.log"));
}

// Back-pressure: a relay that hangs for longer than the consumer's
// max.poll.interval.ms while alerts pile up to max_pending_alerts. The
// notifier pauses its partitions and keeps polling rather than block its
// consumer thread, so it is never thrown out of its group (which would
// move its partitions to another instance, as stuck, and rebalance the
// group again and again); the webhook goes out while the e-mails hang;
// once the relay answers, the calls held back are taken and every alert
// is delivered, none skipped by the pause.
TEST_F(NotifierFaultsTest, ARelayHangingLongerThanThePollIntervalKeepsTheNotifierInItsGroup) {
  const auto hooks_record = dir_.path("webhooks.jsonl");
  test::ChildProcess receiver({kPython, test::source_dir() + "/tests/notifier/peers/http_receiver.py", "--mode",
                               "webhook", "--record", hooks_record},
                              dir_.path("receiver.log"));
  const auto hook_port = receiver.wait_for("port=", std::chrono::seconds(30));
  registry_ = dir_.write("registry-hooks.yaml", R"(version: 1
notification_lists:
  london-security:
    - {name: "Desk", email: "desk@example.com", webhook: "http://127.0.0.1:)" + hook_port + R"(/hooks/desk"}
    - {name: "Guard", email: "guard@example.com"}
)" + test_registry::kLondonHqSite);
  const auto hang = dir_.write("relay-hangs", "");
  const int port = test::free_loopback_port();
  start_smtp(port, {"--hang-while", hang});
  auto props = props_;
  props["max.poll.interval.ms"] = props_.at("session.timeout.ms");  // 3 s, the least librdkafka takes
  // Each attempt waits 4 s for the relay (longer than the poll interval);
  // two e-mails pending already stop new calls.
  const auto log_path = dir_.path("notifier.log");
  test::ChildProcess notifier(
      notifier_command(props, port,
                       "  max_pending_alerts: 2\n  timeouts: {io_ms: 4000, end_of_data_ms: 4000}\n"
                       "  retry: {initial_delay_ms: 100, max_delay_ms: 500}\n  webhook: {transport: http}\n"),
      log_path);
  // Whether the webhook receiver has recorded a request for the call.
  const auto hooks_for = [&](const std::string& call_id) {
    return std::filesystem::exists(hooks_record) && test::read_file(hooks_record).find(call_id) != std::string::npos;
  };
  // Reads the relay's "held=N" lines until N reaches `n`.
  int held = 0;
  const auto wait_held = [&](int n) {
    while (held < n) {
      const auto line = smtp_->read_line(std::chrono::seconds(60));
      if (!line) return false;
      if (line->rfind("held=", 0) == 0) held = std::stoi(line->substr(5));
    }
    return true;
  };

  produce(call_numbered("c-hang-1"), "c-hang-1");
  ASSERT_TRUE(producer_->flush(kDeadline));
  ASSERT_TRUE(wait_until([&] { return hooks_for("c-hang-1") || !notifier.running(); }))
      << test::read_file(log_path);
  ASSERT_TRUE(wait_held(2));  // both e-mails of the first call are stuck in the relay
  produce(call_numbered("c-hang-2"), "c-hang-2");
  produce(call_numbered("c-hang-3"), "c-hang-3");
  ASSERT_TRUE(producer_->flush(kDeadline));
  // Three rounds of attempts held by the relay: well over 3 s, the poll
  // interval, with the notifier at its bound of pending alerts.
  ASSERT_TRUE(wait_held(6)) << test::read_file(log_path);
  EXPECT_FALSE(hooks_for("c-hang-3")) << "no new call is taken while max_pending_alerts alerts are pending";

  std::filesystem::remove(hang);  // the relay answers again
  ASSERT_TRUE(wait_until(
      [&] {
        return (mails_for("c-hang-1") >= 2 && mails_for("c-hang-2") >= 2 && mails_for("c-hang-3") >= 2 &&
                hooks_for("c-hang-2") && hooks_for("c-hang-3")) ||
               !notifier.running();
      },
      std::chrono::seconds(120)))
      << test::read_file(log_path);
  ASSERT_TRUE(notifier.running()) << test::read_file(log_path);
  const auto log = test::read_file(log_path);
  EXPECT_EQ(test::occurrences(log, "partitions_assigned"), 1u) << log;
  EXPECT_EQ(test::occurrences(log, "partitions_revoked"), 0u) << log;
  EXPECT_EQ(test::occurrences(log, "partitions_lost"), 0u) << log;
  EXPECT_EQ(test::occurrences(log, "maximum poll interval"), 0u) << log;
  notifier.stop();
  EXPECT_EQ(notifier.exit_code(), 0) << test::read_file(log_path);
}

// A stop while the broker is gone ends within the consumer's bounds (the
// final commit and leaving the group give up after close_timeout) instead
// of waiting for the group session and every commit to time out.
TEST_F(NotifierFaultsTest, AStopWithTheBrokerGoneEndsPromptly) {
  auto broker = std::make_unique<kafka::EmbeddedBroker>();
  for (const auto& name : {topics_.emergency_calls, topics_.notifications, topics_.dead_letter}) {
    broker->create_topic(name, 1);
  }
  auto o = service_options(test::free_loopback_port());
  o.kafka = kafka::test::test_properties(*broker);
  o.kafka.erase("session.timeout.ms");
  kafka::Producer producer(o.kafka);
  auto service = std::make_unique<RunningService>(o);
  ASSERT_TRUE(wait_until([&] { return (*service)->has_partitions(); })) << service->error();
  producer.produce(topics_.emergency_calls, "c-gone", call_numbered("c-gone"));
  ASSERT_TRUE(producer.flush(kDeadline));
  ASSERT_TRUE(wait_until([&] { return (*service)->stats().calls >= 1; }));
  broker.reset();  // the cluster is gone
  const auto stopping = std::chrono::steady_clock::now();
  service.reset();  // SIGTERM's path: stop and join
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - stopping).count();
  std::cout << "[ measure  ] stopped " << took << " s after the stop with the broker gone\n";
  // The consumer's close (close_timeout, 5 s), the outbox publisher's
  // flush (5 s) and the producer's drain (5 s): 20 s measured, against 46 s
  // and a hang (a delivery report reaching a destroyed publisher) before.
  EXPECT_LT(took, 30.0);
}

}  // namespace
}  // namespace e911::notifier
