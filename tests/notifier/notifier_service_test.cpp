// The notifier as a Kafka service through the embedded broker: alerts for
// every contact and channel, records on e911.notifications, retries,
// escalation, acknowledgement, redelivery, restart, dead letters, and a
// slow channel not holding up the others. Transports here are the real
// outbox or scripted in-process ones (the real SMTP/SMS/webhook peers are
// exercised in smtp_transport_test.cpp and http_transports_test.cpp).

#include "consumers/notifier/notifier_service.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/service/background_service.h"
#include "common/kafka/producer.h"
#include "common/kafka/topic_reader.h"
#include "consumers/notifier/outbox_transport.h"
#include "tests/kafka/kafka_test_util.h"
#include "tests/notifier/locator_output.h"
#include "tests/notifier/notifier_kafka_fixture.h"
#include "tests/support/emitted.h"
#include "tests/support/files.h"
#include "tests/support/json.h"

namespace e911::notifier {
namespace {

using kafka::test::kDeadline;

using kafka::test::wait_until;

// The shared fixture registry with a fallback list (corporate-soc), so
// escalation has somewhere to go.
std::string registry_with_fallback() {
  auto yaml = test::read_file(test::shared_fixture("registry.yaml"));
  const auto at = yaml.find("defaults:\n");
  yaml.insert(at + std::string("defaults:\n").size(), "  fallback_list: corporate-soc\n");
  return yaml;
}

// A transport whose answers the test scripts, recording what it was given.
class ScriptedTransport : public Transport {
 public:
  explicit ScriptedTransport(std::string name = "scripted") : name_(std::move(name)) {}
  SendResult send(const OutgoingAlert& alert) override {
    std::unique_lock lock(mu_);
    ++started_;
    cv_.wait(lock, [&] { return !held_; });
    sent_.push_back(alert);
    if (!script_.empty()) {
      auto r = script_.front();
      script_.pop_front();
      return r;
    }
    return fallback_;
  }
  std::string_view name() const override { return name_; }

  void then(SendResult r) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(r));
  }
  void always(SendResult r) {
    std::lock_guard lock(mu_);
    fallback_ = std::move(r);
  }
  // While held, send() blocks: a relay that does not answer.
  void hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      held_ = false;
    }
    cv_.notify_all();
  }
  std::vector<OutgoingAlert> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  // Sends begun, including those held.
  std::size_t started() const {
    std::lock_guard lock(mu_);
    return started_;
  }
  std::size_t count_to(const std::string& address) const {
    std::lock_guard lock(mu_);
    return static_cast<std::size_t>(
        std::count_if(sent_.begin(), sent_.end(), [&](const auto& a) { return a.address == address; }));
  }

 private:
  std::string name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  std::size_t started_ = 0;
  std::deque<SendResult> script_;
  SendResult fallback_ = SendResult::ok();
  std::vector<OutgoingAlert> sent_;
};

// london-security: the desk (email + SMS) and the duty manager (SMS).
constexpr const char* kDeskEmail = "security.london@example.com";
constexpr const char* kDeskSms = "+442079460000";
constexpr const char* kManagerSms = "+447700900123";

// The acknowledgement token of an alert, from its link.
std::string token_in(const std::string& text) {
  const std::string marker = "/ack/";
  const auto at = text.find(marker);
  if (at == std::string::npos) return {};
  return text.substr(at + marker.size(), 44);
}

class NotifierServiceTest : public NotifierKafkaTest {
 protected:
  void SetUp() override {
    NotifierKafkaTest::SetUp();
    registry_ = dir_.write("registry.yaml", registry_with_fallback());
  }
  void TearDown() override {
    if (sms_) sms_->release();
    if (email_) email_->release();
    stop_service();
  }

  NotifierServiceOptions options() {
    NotifierServiceOptions o = fixture_options();
    o.retry.initial_delay = std::chrono::milliseconds(20);
    o.retry.max_delay = std::chrono::milliseconds(100);
    o.retry.deadline = std::chrono::milliseconds(60000);
    o.workers_per_channel = 2;
    o.transports[Channel::sms] = sms_;
    o.transports[Channel::email] = email_;
    o.transports[Channel::webhook] = webhook_;
    o.ack_base_url = "https://notifier.example.com/";
    o.ack_key = "test-ack-key";
    o.ack_timeout = std::chrono::milliseconds(0);
    return o;
  }

  void start_service(NotifierServiceOptions o) {
    service_ = std::make_unique<NotifierService>(std::move(o), observability::MetricsRegistry());
    run_ = std::make_unique<service::BackgroundService>(*service_);
    ASSERT_TRUE(wait_until([&] { return service_->started(); })) << run_->error();
  }
  void start_service() { start_service(options()); }

  void stop_service() {
    if (!run_) return;
    run_->stop();
    EXPECT_EQ(run_->error(), "");
    run_.reset();
  }

  void produce(const std::string& call_json) {
    const auto d = test::parse_json(call_json);
    const auto key = test::member_string(d, "call_id");
    producer_->produce(topics_.emergency_calls, key.empty() ? std::optional<std::string_view>() : key, call_json);
    ASSERT_TRUE(producer_->flush(kDeadline));
  }

  // Records on e911.notifications (and kept for the schema test).
  std::vector<std::string> notifications() {
    std::vector<std::string> out;
    kafka::read_to_end(props_, topics_.notifications, [&](const kafka::Message& m) { out.emplace_back(m.value); });
    return out;
  }
  // Starts the service on `o`, produces the London call and waits for the
  // desk's e-mail: the acknowledgement token in its link (a failure and ""
  // when no e-mail comes).
  std::string desk_token_after_the_london_call(NotifierServiceOptions o) {
    start_service(std::move(o));
    produce(test_data::kLondonSubnet);
    if (!wait_until([&] { return email_->count_to(kDeskEmail) == 1; })) {
      ADD_FAILURE() << "the desk's e-mail was not sent";
      return {};
    }
    return token_in(email_->sent().at(0).text);
  }

  // london-security's three contacts were each alerted once.
  void expect_each_london_contact_alerted_once() {
    EXPECT_EQ(sms_->count_to(kDeskSms), 1u);
    EXPECT_EQ(sms_->count_to(kManagerSms), 1u);
    EXPECT_EQ(email_->count_to(kDeskEmail), 1u);
  }
  std::vector<std::string> notifications_with(const std::string& status, std::size_t at_least) {
    std::vector<std::string> matching;
    wait_until([&] {
      matching.clear();
      for (const auto& r : notifications()) {
        if (test::member_string(test::parse_json(r), "status") == status) matching.push_back(r);
      }
      return matching.size() >= at_least;
    });
    for (const auto& r : matching) test::record_emitted("notifier-notifications", r);
    return matching;
  }

  std::shared_ptr<ScriptedTransport> sms_ = std::make_shared<ScriptedTransport>("sms");
  std::shared_ptr<ScriptedTransport> email_ = std::make_shared<ScriptedTransport>("email");
  std::shared_ptr<ScriptedTransport> webhook_ = std::make_shared<ScriptedTransport>("webhook");
  std::unique_ptr<NotifierService> service_;
  std::unique_ptr<service::BackgroundService> run_;  // runs service_
};

TEST_F(NotifierServiceTest, AlertsEveryContactOnEveryChannelAndRecordsIt) {
  start_service();
  produce(test_data::kLondonSubnet);
  ASSERT_TRUE(wait_until([&] { return service_->stats().alerts_sent == 3; }));
  expect_each_london_contact_alerted_once();
  EXPECT_TRUE(webhook_->sent().empty());

  const auto email = email_->sent().at(0);
  EXPECT_EQ(email.subject, "EMERGENCY CALL - London HQ - John Smith x5001");
  EXPECT_NE(email.text.find("Acknowledge this alert: https://notifier.example.com/ack/"), std::string::npos);
  const auto sms = sms_->sent().at(0);
  EXPECT_EQ(sms.text.rfind("EMERGENCY CALL 112\nJohn Smith x5001\nCallback +442079460101", 0), 0u) << sms.text;
  EXPECT_NE(sms.text.find("Ack: https://notifier.example.com/ack/"), std::string::npos);

  const auto sent = notifications_with("sent", 3);
  ASSERT_EQ(sent.size(), 3u);
  std::set<std::string> channels;
  for (const auto& r : sent) {
    const auto d = test::parse_json(r);
    EXPECT_EQ(test::member_string(d, "call_id"), "c-1");
    EXPECT_EQ(test::member_string(d, "list"), "london-security");
    EXPECT_EQ(d["attempt"].GetInt(), 1);
    EXPECT_TRUE(d.HasMember("latency_ms"));
    channels.insert(test::member_string(d, "channel"));
  }
  EXPECT_EQ(channels, (std::set<std::string>{"email", "sms"}));
}

TEST_F(NotifierServiceTest, ARedeliveredCallAlertsNobodyTwice) {
  start_service();
  produce(test_data::kLondonSubnet);
  ASSERT_TRUE(wait_until([&] { return service_->stats().alerts_sent == 3; }));
  produce(test_data::kLondonSubnet);  // the same call again, as after a crash before the commit
  ASSERT_TRUE(wait_until([&] { return service_->stats().duplicate_calls == 1; }));
  stop_service();
  // And after a restart, which starts from the committed offsets.
  start_service();
  produce(test_data::kLondonSubnet);
  ASSERT_TRUE(wait_until([&] { return service_->stats().duplicate_calls == 1; }));
  expect_each_london_contact_alerted_once();
}

TEST_F(NotifierServiceTest, TransientFailuresAreRetriedUntilDelivered) {
  email_->then(SendResult::retry_later("connect 127.0.0.1:25: Connection refused"));
  email_->then(SendResult::retry_later("MAIL FROM: 421 4.3.2 service not available"));
  start_service();
  produce(test_data::kLondonSubnet);
  ASSERT_TRUE(wait_until([&] { return service_->stats().alerts_sent == 3; }));
  EXPECT_EQ(service_->stats().attempts_failed, 2u);
  EXPECT_EQ(email_->count_to(kDeskEmail), 3u);  // two failures, then accepted
  const auto retrying = notifications_with("retrying", 2);
  ASSERT_EQ(retrying.size(), 2u);
  EXPECT_EQ(test::member_string(test::parse_json(retrying[0]), "error"), "connect 127.0.0.1:25: Connection refused");
  const auto sent = notifications_with("sent", 3);
  bool email_on_third = false;
  for (const auto& r : sent) {
    const auto d = test::parse_json(r);
    if (test::member_string(d, "channel") == "email") email_on_third = d["attempt"].GetInt() == 3;
  }
  EXPECT_TRUE(email_on_third);
}

TEST_F(NotifierServiceTest, APermanentFailureIsNotRetried) {
  email_->then(SendResult::give_up("RCPT TO: 550 5.1.1 user unknown"));
  start_service();
  produce(test_data::kLondonSubnet);
  ASSERT_TRUE(wait_until([&] { return service_->stats().alerts_failed == 1 && service_->stats().alerts_sent == 2; }));
  EXPECT_EQ(email_->count_to(kDeskEmail), 1u);
  const auto failed = notifications_with("failed", 1);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(test::member_string(test::parse_json(failed[0]), "error"), "RCPT TO: 550 5.1.1 user unknown");
  // SMS reached the list, so there is nothing to escalate.
  EXPECT_EQ(service_->stats().escalations, 0u);
}

TEST_F(NotifierServiceTest, WhenEveryAlertToTheListFailsTheFallbackListIsAlerted) {
  sms_->always(SendResult::give_up("HTTP 403: sendsms user rejected"));
  email_->then(SendResult::give_up("RCPT TO: 550 5.1.1 user unknown"));
  start_service();
  produce(test_data::kLondonSubnet);
  // corporate-soc: e-mail and webhook.
  ASSERT_TRUE(wait_until([&] { return email_->count_to("soc@example.com") == 1 && webhook_->sent().size() == 1; }));
  const auto hook = webhook_->sent().at(0);
  EXPECT_EQ(hook.address, "http://127.0.0.1:9/hooks/soc");
  EXPECT_NE(hook.body.find("ESCALATED: every alert to london-security failed"), std::string::npos);
  const auto escalated = notifications_with("escalated", 3);
  ASSERT_EQ(escalated.size(), 3u);  // one per failed alert of london-security
  for (const auto& r : escalated) EXPECT_EQ(test::member_string(test::parse_json(r), "escalated_to"), "corporate-soc");
  EXPECT_EQ(service_->stats().escalations, 1u);
}

TEST_F(NotifierServiceTest, WithoutAnAcknowledgementTheFallbackListIsAlerted) {
  auto o = options();
  o.ack_timeout = std::chrono::milliseconds(300);
  start_service(std::move(o));
  produce(test_data::kLondonSubnet);
  ASSERT_TRUE(wait_until([&] { return email_->count_to("soc@example.com") == 1; }));
  const auto soc = email_->sent().back();
  EXPECT_EQ(soc.subject, "EMERGENCY CALL (ESCALATED) - London HQ - John Smith x5001");
  EXPECT_NE(soc.text.find("ESCALATED: london-security did not acknowledge within 300 ms"), std::string::npos);
}


TEST_F(NotifierServiceTest, AnAcknowledgedCallIsNotEscalated) {
  auto o = options();
  o.ack_timeout = std::chrono::milliseconds(1500);
  const auto token = desk_token_after_the_london_call(std::move(o));
  ASSERT_EQ(token.size(), 44u);

  auto view = service_->look_up(token);
  EXPECT_EQ(view.kind, AckView::Kind::open);
  EXPECT_EQ(view.caller, "John Smith x5001");
  EXPECT_EQ(view.site, "London HQ");
  EXPECT_EQ(view.recipient, "London security desk");

  view = service_->acknowledge(token, "on my way to level 4");
  EXPECT_EQ(view.kind, AckView::Kind::acknowledged);
  EXPECT_EQ(view.acknowledged_by, "London security desk");
  // Single use, and the call is acknowledged for everyone.
  EXPECT_EQ(service_->acknowledge(token, "again").kind, AckView::Kind::already_acknowledged);
  const auto other = token_in(sms_->sent().at(0).text);
  EXPECT_EQ(service_->look_up(other).kind, AckView::Kind::already_acknowledged);
  // Forged and mangled tokens change nothing.
  auto forged = token;
  forged[30] = forged[30] == 'A' ? 'B' : 'A';
  EXPECT_EQ(service_->acknowledge(forged, "").kind, AckView::Kind::invalid);
  EXPECT_EQ(service_->look_up("not-a-token").kind, AckView::Kind::invalid);

  const auto acks = notifications_with("acknowledged", 1);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(test::member_string(test::parse_json(acks[0]), "acknowledged_by"), "London security desk");
  EXPECT_EQ(test::member_string(test::parse_json(acks[0]), "comment"), "on my way to level 4");
  // The acknowledgement deadline passes without an escalation.
  ASSERT_TRUE(wait_until([&] { return service_->stats().ack_checks == 1; }));
  EXPECT_EQ(service_->stats().escalations, 0u);
  EXPECT_EQ(email_->count_to("soc@example.com"), 0u);
}

TEST_F(NotifierServiceTest, ExpiredLinksChangeNothing) {
  auto o = options();
  o.ack_link_ttl = std::chrono::milliseconds(0);
  const auto token = desk_token_after_the_london_call(std::move(o));
  ASSERT_TRUE(wait_until([&] { return service_->look_up(token).kind == AckView::Kind::expired; }));
  EXPECT_EQ(service_->acknowledge(token, "late").kind, AckView::Kind::expired);
  EXPECT_EQ(service_->stats().acknowledgements, 0u);
}

TEST_F(NotifierServiceTest, ADeadChannelDoesNotDelayTheOthers) {
  email_->hold();  // the SMTP relay hangs
  start_service();
  produce(test_data::kLondonSubnet);
  produce(test_data::kParisVpn);
  // Both calls' SMS go out while every e-mail attempt is stuck.
  // The transport sees an SMS before the service counts it as sent: wait for both.
  ASSERT_TRUE(wait_until([&] { return sms_->count_to(kDeskSms) == 2 && sms_->count_to(kManagerSms) == 2; }));
  ASSERT_TRUE(wait_until([&] { return service_->stats().alerts_sent == 4; }));
  EXPECT_EQ(email_->sent().size(), 0u) << "no e-mail can have been accepted while the relay hangs";
  email_->release();
  ASSERT_TRUE(wait_until([&] { return service_->stats().alerts_sent == 6; }));
}

// Under a backlog, a new call's first alert on a channel goes ahead of the
// other alerts of earlier calls: someone at every site hears at once.
TEST_F(NotifierServiceTest, ANewCallsFirstAlertGoesAheadOfAnEarlierCallsBacklog) {
  auto yaml = test::read_file(registry_);
  std::string contacts;
  for (int i = 0; i < 5; ++i) contacts += "    - {name: \"Guard " + std::to_string(i) + "\", email: \"guard" + std::to_string(i) + "@example.com\"}\n";
  yaml.insert(yaml.find("  austin-security:"), contacts);
  registry_ = dir_.write("registry-guards.yaml", yaml);
  auto o = options();
  o.workers_per_channel = 1;  // one e-mail at a time: the order is observable
  email_->hold();
  start_service(std::move(o));
  produce(test_data::kLondonSubnet);  // 6 e-mails: the desk and 5 guards
  ASSERT_TRUE(wait_until([&] { return email_->started() == 1; }));  // the first is stuck in the relay
  produce(test_data::kParisVpn);  // another call to the same list
  ASSERT_TRUE(wait_until([&] { return service_->stats().calls_admitted == 2; }));
  email_->release();
  ASSERT_TRUE(wait_until([&] { return email_->sent().size() == 12; }));
  const auto sent = email_->sent();
  EXPECT_EQ(sent[0].call_id, "c-1");
  EXPECT_EQ(sent[1].call_id, "c-5") << "the second call's first e-mail waited behind the first call's backlog";
  for (std::size_t i = 2; i < 7; ++i) EXPECT_EQ(sent[i].call_id, "c-1") << i;
}

TEST_F(NotifierServiceTest, PendingAlertsSurviveARestart) {
  email_->always(SendResult::retry_later("connect: Connection refused"));
  start_service();
  produce(test_data::kLondonSubnet);
  ASSERT_TRUE(wait_until([&] { return service_->stats().alerts_sent == 2 && service_->stats().attempts_failed >= 1; }));
  stop_service();
  email_->always(SendResult::ok());
  start_service();
  ASSERT_TRUE(wait_until([&] { return service_->stats().alerts_sent == 1; }));
  EXPECT_EQ(sms_->count_to(kDeskSms), 1u);
  EXPECT_EQ(sms_->count_to(kManagerSms), 1u);
}

TEST_F(NotifierServiceTest, BadEventsGoToTheDeadLetterTopicAndTheNextCallIsAlerted) {
  start_service();
  produce(R"({"schema":"e911.emergency-call/v1","call_id":"c-bad","class":"emergency"})");
  produce("not json at all");
  produce(test_data::kLondonSubnet);
  ASSERT_TRUE(wait_until([&] { return service_->stats().dead_letters == 2 && service_->stats().alerts_sent == 3; }));
  std::vector<std::string> dead;
  ASSERT_TRUE(wait_until([&] {
    dead.clear();
    kafka::read_to_end(props_, topics_.dead_letter, [&](const kafka::Message& m) { dead.emplace_back(m.value); });
    return dead.size() == 2;
  }));
  for (const auto& d : dead) {
    test::record_emitted("notifier-dead-letters", d);
    EXPECT_EQ(test::member_string(test::parse_json(d), "component"), "notifier");
    EXPECT_FALSE(test::member_string(test::parse_json(d), "reason").empty());
  }
}

TEST_F(NotifierServiceTest, TheOutboxKeepsEveryAlertAsFiles) {
  const auto outbox = std::make_shared<OutboxTransport>(dir_.path("outbox"));
  auto o = options();
  o.transports = {{Channel::email, outbox}, {Channel::sms, outbox}, {Channel::webhook, outbox}};
  start_service(std::move(o));
  produce(test_data::kLondonSubnet);
  ASSERT_TRUE(wait_until([&] { return service_->stats().alerts_sent == 3; }));
  EXPECT_EQ(test::read_lines(dir_.path("outbox/sms.jsonl")).size(), 2u);
  std::size_t emails = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir_.path("outbox/email"))) {
    const auto eml = test::read_file(f.path().string());
    EXPECT_NE(eml.find("Subject: EMERGENCY CALL - London HQ - John Smith x5001"), std::string::npos);
    EXPECT_NE(eml.find("multipart/alternative"), std::string::npos);
    ++emails;
  }
  EXPECT_EQ(emails, 1u);
  const auto sent = notifications_with("sent", 3);
  for (const auto& r : sent) EXPECT_EQ(test::member_string(test::parse_json(r), "transport"), "outbox");
}

}  // namespace
}  // namespace e911::notifier
