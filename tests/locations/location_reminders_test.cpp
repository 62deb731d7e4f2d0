// Reminders end to end, on the embedded broker and a real SMTP server
// (aiosmtpd): a stale registration on e911.location-updates gets a
// reminder e-mail; the link in it, sent as a bearer token to GET /v1/me,
// opens that user's registration; the reminder is on
// e911.location-reminders; later checks within the interval send nothing,
// nor does a restarted service (it reads the topic back); `e911 locations
// report` lists the user as stale and reminded. A user who asked but never
// registered is reminded at <user id>@<email_domain>; a registry reload
// that moves the zone a user registered against reminds them.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/json_writer.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/producer.h"
#include "common/kafka/topic_reader.h"
#include "common/service/background_service.h"
#include "common/timestamp.h"
#include "producers/locations/locations_service.h"
#include "producers/locations/reminder_record.h"
#include "tests/locations/reminder_fixtures.h"
#include "tests/support/emitted.h"
#include "tests/support/files.h"
#include "tests/support/raw_client.h"
#include "tests/support/smtp_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

// A namespace of its own: the unity build puts this file beside
// locations_service_test.cpp.
namespace e911::locations::reminders_e2e {
namespace {

using namespace std::chrono_literals;

using test_data::kDay;
using test_data::kLinkSecret;
using test_data::registration;

// The shared fixture registry, with a directory giving u-7002 an address.
std::string registry_yaml() {
  return test::read_file(test::shared_fixture("registry.yaml")) +
         "\ndirectory:\n  - {user_id: u-7002, email: \"jane.doe@example.org\", extensions: [\"7002\"]}\n";
}

std::string str(const rapidjson::Value& v) { return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : ""; }

class LocationRemindersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_.create_topic(topics_.location_updates, 3);
    broker_.create_topic(topics_.location_reminders, 1);
    registry_path_ = dir_.write("registry.yaml", registry_yaml());
  }
  void TearDown() override { stop(); }

  LocationsServiceOptions options() const {
    LocationsServiceOptions o;
    o.kafka = broker_.client_properties();
    o.topics = topics_;
    o.registry_path = registry_path_;
    o.registry_check_interval = 100ms;
    o.api.identity.trusted_proxies = {*IpPrefix::parse("127.0.0.1/32")};
    o.api.identity.link_secret = kLinkSecret;
    o.check_address = [](const CivicAddress&) { return AddressCheck{}; };
    auto& r = o.reminders;
    r.enabled = true;
    r.interval = kDay;  // after: the registry's 12 h
    r.check_interval = 100ms;
    r.public_url = "https://locations.example.test";
    r.email_domain = "corp.example.test";
    r.smtp.host = "127.0.0.1";
    r.smtp.port = smtp_.port();
    r.smtp.tls = mail::SmtpSettings::Tls::none;
    r.smtp.from = "E911 Locations <locations@example.test>";
    r.smtp.helo_name = "locations.e911.test";
    r.smtp.timeouts.connect = 10s;
    r.smtp.timeouts.io = 20s;
    return o;
  }

  void start() {
    service_ = std::make_unique<LocationsService>(options(), observability::MetricsRegistry());
    run_ = std::make_unique<service::BackgroundService>(*service_);
    ASSERT_TRUE(test::wait_until([&] { return service_->started(); })) << run_->error();
  }
  void stop() {
    if (!run_) return;
    run_->stop();
    EXPECT_EQ(run_->error(), "");
    run_.reset();
  }
  // Waits for `n` more completed reminder checks.
  void wait_checks(std::uint64_t n) {
    const auto target = service_->reminder_checks() + n;
    ASSERT_TRUE(test::wait_until([&] { return service_->reminder_checks() >= target; }));
  }

  void produce(const LocationUpdate& u) {
    kafka::Producer producer(broker_.client_properties());
    producer.produce(topics_.location_updates, u.user_id, json::encode_location_update(u));
    ASSERT_TRUE(producer.flush(std::chrono::seconds(10)));
  }

  // Message `n` as aiosmtpd's parser read it, once it is there.
  rapidjson::Document mail(int n) {
    rapidjson::Document doc;
    std::string text;
    EXPECT_TRUE(test::wait_until([&] { return !(text = smtp_.message_json(n)).empty(); }))
        << "no message " << n << "; server log:\n" << smtp_.log();
    doc.Parse(text.c_str());
    if (doc.HasParseError() || !doc.IsObject()) doc.SetObject();
    return doc;
  }

  std::vector<ReminderRecord> reminders_on_topic() {
    std::vector<ReminderRecord> out;
    kafka::read_to_end(broker_.client_properties(), topics_.location_reminders, [&](const kafka::Message& m) {
      auto record = decode_reminder_record(m.value);
      EXPECT_TRUE(record) << record.error().message;
      EXPECT_TRUE(m.key && *m.key == record->user_id);
      test::record_emitted("location-reminders", m.value);
      if (record) out.push_back(*record);
    });
    return out;
  }

  test::CommandResult report(const std::string& format) {
    const std::string config = dir_.write(
        "e911.yaml", test::component_config_yaml(broker_.client_properties(), dir_.path("state")) +
                         "locations:\n  registry: " + registry_path_ + "\n  link_secret: " + kLinkSecret + "\n");
    return test::run_e911("locations report --config " + config + " " + format);
  }

  test::TempDir dir_;
  kafka::EmbeddedBroker broker_;
  test::SmtpServer smtp_{dir_.path("mail")};
  Config::Topics topics_ = Config().topics();
  std::string registry_path_;
  std::unique_ptr<LocationsService> service_;
  std::unique_ptr<service::BackgroundService> run_;
};

TEST_F(LocationRemindersTest, AStaleRegistrationIsRemindedOnceWithALinkThatOpensIt) {
  const EpochMillis registered_at = now_millis() - 3 * kDay;  // the registry's stale_after: 12 h
  produce(registration("u-7002", registered_at, "198.51.100.7"));
  start();

  const auto doc = mail(1);
  ASSERT_TRUE(doc.HasMember("message")) << smtp_.log();
  ASSERT_EQ(doc["rcpt_tos"].Size(), 1u);
  EXPECT_EQ(str(doc["rcpt_tos"][0]), "jane.doe@example.org");  // the directory's address
  const auto& message = doc["message"];
  EXPECT_EQ(str(message["content_type"]), "text/plain");
  ASSERT_EQ(message["parts"].Size(), 1u);
  const std::string text = str(message["parts"][0]["text"]);
  EXPECT_NE(text.find("You registered where you work from on"), std::string::npos) << text;
  EXPECT_EQ(text.find("Example Ave"), std::string::npos) << "the address is never in the e-mail\n" << text;
  const std::string prefix = "https://locations.example.test/#link=";
  const auto at = text.find(prefix);
  ASSERT_NE(at, std::string::npos) << text;
  const auto start_of_token = at + prefix.size();
  std::string token = text.substr(start_of_token, text.find_first_of("\r\n", start_of_token) - start_of_token);

  // The link opens the user's registration.
  test::RawClient client(*service_->port());
  client.send("GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n");
  const std::string me = client.response().value_or("");
  EXPECT_EQ(test::status_of(me), 200) << me;
  EXPECT_NE(me.find(R"("user_id":"u-7002")"), std::string::npos) << me;
  EXPECT_NE(me.find(R"("status":"stale")"), std::string::npos) << me;
  EXPECT_NE(me.find("Example Ave"), std::string::npos) << me;

  // Recorded, keyed by the user, without an address.
  std::vector<ReminderRecord> records;
  ASSERT_TRUE(test::wait_until([&] { return !(records = reminders_on_topic()).empty(); }));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].user_id, "u-7002");
  EXPECT_EQ(records[0].reason, ReminderReason::stale);
  EXPECT_EQ(records[0].registered_at, registered_at);
  EXPECT_EQ(str(message["headers"]["x-e911-reminder-id"][0]), records[0].reminder_id);

  // Checks within the interval send nothing.
  wait_checks(3);
  EXPECT_EQ(smtp_.message_count(), 1u);
  EXPECT_EQ(reminders_on_topic().size(), 1u);

  // The report lists the user as stale and reminded.
  const auto json = report("--json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find(R"({"user_id":"u-7002","status":"stale","since":")" +
                          format_rfc3339(registered_at + 12 * 3'600'000) + R"(","registered_at":")" +
                          format_rfc3339(registered_at) + R"(","site_id":null,"last_reminded_at":")" +
                          format_rfc3339(records[0].sent_at) + R"(","last_reminder_reason":"stale"})"),
            std::string::npos)
      << json.out;
  const auto csv = report("--csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("user_id,status,since,registered_at,site_id,last_reminded_at,last_reminder_reason\r\n", 0),
            0u)
      << csv.out;
  EXPECT_NE(csv.out.find("u-7002,stale,"), std::string::npos) << csv.out;

  // A restart reads the reminder back: nothing is sent again.
  stop();
  start();
  ASSERT_TRUE(service_->book().find("u-7002"));
  EXPECT_EQ(service_->book().find("u-7002")->last_reminded_at, records[0].sent_at);
  wait_checks(3);
  EXPECT_EQ(smtp_.message_count(), 1u);
}

TEST_F(LocationRemindersTest, AUserWhoAskedButNeverRegisteredIsRemindedAtTheirDomainAddress) {
  start();
  test::RawClient client(*service_->port());
  client.send("GET /v1/me/status HTTP/1.1\r\nHost: x\r\nX-Forwarded-User: u-9000\r\nConnection: close\r\n\r\n");
  const std::string status = client.response().value_or("");
  ASSERT_EQ(test::status_of(status), 200) << status;
  const auto doc = mail(1);
  ASSERT_TRUE(doc.HasMember("rcpt_tos")) << smtp_.log();
  EXPECT_EQ(str(doc["rcpt_tos"][0]), "u-9000@corp.example.test");
  EXPECT_NE(str(doc["message"]["parts"][0]["text"]).find("You have not registered"), std::string::npos);
  std::vector<ReminderRecord> records;
  ASSERT_TRUE(test::wait_until([&] { return !(records = reminders_on_topic()).empty(); }));
  EXPECT_EQ(records[0].reason, ReminderReason::missing);
  EXPECT_EQ(records[0].registered_at, 0);
}

TEST_F(LocationRemindersTest, ARegistryReloadThatMovesTheUsersZoneRemindsThem) {
  // Registered an hour ago from London level 2 (10.40.2.0/24): confirmed.
  produce(registration("u-7002", now_millis() - 3'600'000, "10.40.2.7"));
  start();
  wait_checks(2);
  EXPECT_EQ(smtp_.message_count(), 0u);
  // Level 2's network now belongs to level 4.
  std::string moved = registry_yaml();
  const std::string l2 = R"(subnets: ["10.40.2.0/24"])";
  moved.replace(moved.find(l2), l2.size(), R"(subnets: ["10.40.3.0/24"])");
  const std::string l4 = R"(subnets: ["10.40.1.0/24", "2001:db8:40:1::/64"])";
  moved.replace(moved.find(l4), l4.size(), R"(subnets: ["10.40.1.0/24", "10.40.2.0/24", "2001:db8:40:1::/64"])");
  {
    std::ofstream out(registry_path_ + ".new");
    out << moved;
  }
  std::filesystem::rename(registry_path_ + ".new", registry_path_);
  const auto doc = mail(1);
  ASSERT_TRUE(doc.HasMember("message")) << smtp_.log();
  EXPECT_NE(str(doc["message"]["parts"][0]["text"]).find("building information"), std::string::npos);
  std::vector<ReminderRecord> records;
  ASSERT_TRUE(test::wait_until([&] { return !(records = reminders_on_topic()).empty(); }));
  EXPECT_EQ(records[0].reason, ReminderReason::zone_changed);
}

}  // namespace
}  // namespace e911::locations::reminders_e2e
