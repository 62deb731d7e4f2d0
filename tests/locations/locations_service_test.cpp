// The location service on the embedded broker, through its HTTP API on a
// real socket: a user signed in by the SSO proxy registers, the update is
// on e911.location-updates (keyed by the user) before the answer, and the
// status follows; the refusals (no identity, a forged header from an
// address that is no proxy, another user's link, an expired or altered
// link) change nothing; the admin listing filters and exports CSV; a
// registration made elsewhere (on the topic) is read.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/kafka/embedded_broker.h"
#include "common/kafka/producer.h"
#include "common/json_writer.h"
#include "common/kafka/topic_reader.h"
#include "common/service/background_service.h"
#include "common/sha256.h"
#include "common/timestamp.h"
#include "producers/locations/locations_service.h"
#include "producers/locations/personal_link.h"
#include "tests/support/emitted.h"
#include "tests/support/files.h"
#include "tests/support/raw_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace e911::locations {
namespace {

constexpr const char* kSecret = "a-link-secret-of-more-than-thirty-two-bytes-0123456789";
constexpr const char* kAdminToken = "admin-token-0123456789abcdefghijklmnopqrstuv";
constexpr const char* kAustin =
    R"({"address":{"country":"US","state":"TX","city":"Austin","street":"Example Ave","house_number":"500",)"
    R"("postal_code":"78701","unit":"4B","multi_dwelling":true},"network":{"ip":"198.51.100.7"}})";

struct Reply {
  int status = 0;
  std::string text;  // head and body
  bool has(const std::string& s) const { return text.find(s) != std::string::npos; }
};

class LocationsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_.create_topic(topics_.location_updates, 3);
    broker_.create_topic(topics_.location_sightings, 1);
    service_ = std::make_unique<LocationsService>(options(), observability::MetricsRegistry());
    run_ = std::make_unique<service::BackgroundService>(*service_);
    ASSERT_TRUE(test::wait_until([&] { return service_->started(); })) << run_->error();
  }
  void TearDown() override {
    run_->stop();
    EXPECT_EQ(run_->error(), "");
  }

  LocationsServiceOptions options() {
    LocationsServiceOptions o;
    o.kafka = broker_.client_properties();
    o.topics = topics_;
    o.registry_path = test::shared_dir() + "/fixtures/registry.yaml";
    o.api.identity.trusted_proxies = {*IpPrefix::parse("127.0.0.1/32")};
    o.api.identity.link_secret = kSecret;
    o.api.admin_tokens_file = dir_.write("admins", std::string("security-admin ") + sha256_hex(kAdminToken) + "\n");
    o.api.backup_method = "Use the red phone by the lift.";
    o.check_address = [](const CivicAddress& a) {
      AddressCheck v;
      if (lacks_unit(a)) {
        v.field = "address.unit";
        v.problem = "address.unit: required";
      }
      return v;
    };
    return o;
  }

  Reply request(const std::string& method, const std::string& path, const std::string& headers,
                const std::string& body = "") {
    return request_to(*service_, method, path, headers, body);
  }
  Reply request_to(LocationsService& service, const std::string& method, const std::string& path,
                   const std::string& headers, const std::string& body = "") {
    test::RawClient client(*service.port());
    client.send(method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + headers +
                (body.empty() ? "" : "Content-Type: application/json\r\nContent-Length: " +
                                         std::to_string(body.size()) + "\r\n") +
                "Connection: close\r\n\r\n" + body);
    Reply r;
    r.text = client.response().value_or("");
    r.status = test::status_of(r.text);
    return r;
  }

  static std::string as_user(const std::string& user) { return "X-Forwarded-User: " + user + "\r\n"; }
  static std::string with_link(const std::string& token) { return "Authorization: Bearer " + token + "\r\n"; }

  struct Record {
    std::optional<std::string> key;
    std::string value;
  };
  // Copies: a message's views last only as long as the handler.
  std::vector<Record> updates() {
    std::vector<Record> out;
    kafka::read_to_end(broker_.client_properties(), topics_.location_updates, [&](const kafka::Message& m) {
      out.push_back({m.key ? std::optional<std::string>(*m.key) : std::nullopt, std::string(m.value)});
    });
    return out;
  }
  std::size_t update_count() { return updates().size(); }

  test::TempDir dir_;
  kafka::EmbeddedBroker broker_;
  Config::Topics topics_ = Config().topics();
  std::unique_ptr<LocationsService> service_;
  std::unique_ptr<service::BackgroundService> run_;
};

TEST_F(LocationsServiceTest, ARegistrationIsOnTheTopicBeforeItIsAnsweredAndTheStatusFollows) {
  auto before = request("GET", "/v1/me", as_user("u-7002"));
  ASSERT_EQ(before.status, 200) << before.text;
  EXPECT_TRUE(before.has(R"("status":"missing")")) << before.text;
  EXPECT_TRUE(before.has(R"("registration":null)")) << before.text;
  EXPECT_TRUE(before.has(R"("backup_method":"Use the red phone by the lift.")")) << before.text;

  const auto reply = request("POST", "/v1/me/registration", as_user("u-7002"), kAustin);
  ASSERT_EQ(reply.status, 201) << reply.text;
  EXPECT_TRUE(reply.has(R"("status":"confirmed")")) << reply.text;
  EXPECT_TRUE(reply.has(R"("responders_told":"500 Example Ave, Unit 4B, Austin, TX 78701, US")")) << reply.text;
  EXPECT_TRUE(reply.has(R"("emergency_number":"911")")) << reply.text;
  EXPECT_TRUE(reply.has(R"("validated":false)")) << reply.text;

  // Answered only once Kafka had it: it is on the topic now, keyed by the user.
  const auto on_topic = updates();
  ASSERT_EQ(on_topic.size(), 1u);
  ASSERT_TRUE(on_topic[0].key);
  EXPECT_EQ(*on_topic[0].key, "u-7002");
  auto decoded = decode_input_event(on_topic[0].value);
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& update = std::get<LocationUpdate>(*decoded);
  EXPECT_EQ(update.user_id, "u-7002");
  EXPECT_EQ(update.source, "user");
  EXPECT_EQ(update.address.unit, "4B");
  ASSERT_TRUE(update.network_ip);
  EXPECT_EQ(update.network_ip->to_string(), "198.51.100.7");

  // The softphone's check from another network.
  const auto moved = request("GET", "/v1/me/status?ip=203.0.113.9", as_user("u-7002"));
  ASSERT_EQ(moved.status, 200) << moved.text;
  EXPECT_TRUE(moved.has(R"("status":"network-changed")")) << moved.text;
  const auto same = request("GET", "/v1/me/status?ip=198.51.100.20", as_user("u-7002"));
  EXPECT_TRUE(same.has(R"("status":"confirmed")")) << same.text;
}

TEST_F(LocationsServiceTest, AnAddressTheChecksRefuseIsAnsweredWithItsFieldAndNothingIsProduced) {
  const std::string no_unit =
      R"({"address":{"country":"US","city":"Austin","street":"Example Ave","house_number":"500","multi_dwelling":true}})";
  const auto reply = request("POST", "/v1/me/registration", as_user("u-7002"), no_unit);
  EXPECT_EQ(reply.status, 422) << reply.text;
  EXPECT_TRUE(reply.has(R"("field":"address.unit")")) << reply.text;
  const auto typo = request("POST", "/v1/me/registration", as_user("u-7002"), R"({"adress":{}})");
  EXPECT_EQ(typo.status, 400) << typo.text;
  EXPECT_TRUE(typo.has("adress")) << typo.text;
  const auto bad_country =
      request("POST", "/v1/me/registration", as_user("u-7002"), R"({"address":{"country":"Texas"}})");
  EXPECT_EQ(bad_country.status, 400) << bad_country.text;
  EXPECT_TRUE(bad_country.has("address.country")) << bad_country.text;
  EXPECT_EQ(update_count(), 0u);
}

TEST_F(LocationsServiceTest, RequestsWithoutAValidIdentityAreRefusedAndChangeNothing) {
  const auto now_s = now_millis() / 1000;
  struct Case {
    const char* what;
    std::string headers;
  };
  const std::vector<Case> cases = {
      {"no identity", ""},
      {"an altered link", with_link(sign_personal_link(kSecret, "u-7002", now_s + 3600) + "x")},
      {"a link signed under another secret",
       with_link(sign_personal_link("another-secret-of-more-than-thirty-two-bytes", "u-7002", now_s + 3600))},
      {"an expired link", with_link(sign_personal_link(kSecret, "u-7002", now_s - 1))},
      {"a token that is no link", with_link("not-a-link")},
      {"a link with the proxy's header too", with_link("v1.garbage") + as_user("u-7002")},
  };
  for (const auto& c : cases) {
    const auto post = request("POST", "/v1/me/registration", c.headers, kAustin);
    EXPECT_EQ(post.status, 401) << c.what << "\n" << post.text;
    EXPECT_TRUE(post.has("WWW-Authenticate: Bearer")) << c.what;
    EXPECT_EQ(request("GET", "/v1/me", c.headers).status, 401) << c.what;
  }
  EXPECT_EQ(update_count(), 0u);
}

TEST_F(LocationsServiceTest, AHeaderFromAnAddressThatIsNoTrustedProxyIsRefused) {
  // The service trusts 127.0.0.1 only; the same request from elsewhere is
  // what a forged header is. Restart it trusting another range.
  run_->stop();
  LocationsServiceOptions o;
  o.kafka = broker_.client_properties();
  o.topics = topics_;
  o.registry_path = test::shared_dir() + "/fixtures/registry.yaml";
  o.api.identity.trusted_proxies = {*IpPrefix::parse("10.9.0.0/16")};
  o.check_address = [](const CivicAddress&) { return AddressCheck{}; };
  service_ = std::make_unique<LocationsService>(o, observability::MetricsRegistry());
  run_ = std::make_unique<service::BackgroundService>(*service_);
  ASSERT_TRUE(test::wait_until([&] { return service_->started(); })) << run_->error();
  const auto forged = request("POST", "/v1/me/registration", as_user("u-7002"), kAustin);
  EXPECT_EQ(forged.status, 401) << forged.text;
  EXPECT_TRUE(forged.has("not a trusted proxy")) << forged.text;
  EXPECT_EQ(update_count(), 0u);
}

TEST_F(LocationsServiceTest, APersonalLinkOpensItsOwnUsersRegistrationOnly) {
  const auto link = sign_personal_link(kSecret, "u-7002", now_millis() / 1000 + 3600);
  const auto reply = request("POST", "/v1/me/registration", with_link(link), kAustin);
  ASSERT_EQ(reply.status, 201) << reply.text;
  EXPECT_TRUE(reply.has(R"("user_id":"u-7002")")) << reply.text;
  // Another user's link reads that user, never u-7002's address.
  const auto other = request("GET", "/v1/me", with_link(sign_personal_link(kSecret, "u-5001", now_millis() / 1000 + 60)));
  ASSERT_EQ(other.status, 200) << other.text;
  EXPECT_TRUE(other.has(R"("user_id":"u-5001")")) << other.text;
  EXPECT_FALSE(other.has("Example Ave")) << other.text;
}

TEST_F(LocationsServiceTest, AdminsListUsersByStatusAndSiteAsJsonOrCsv) {
  ASSERT_EQ(request("POST", "/v1/me/registration", as_user("u-7002"), kAustin).status, 201);
  // Registered from the London campus network (10.40.0.0/16 in the fixture registry).
  const std::string london = R"({"address":{"country":"GB","city":"London","street":"Example Road",)"
                             R"("house_number":"1","postal_code":"EC1A 1AA"},"network":{"ip":"10.40.2.7"}})";
  ASSERT_EQ(request("POST", "/v1/me/registration", as_user("u-5001"), london).status, 201);
  ASSERT_EQ(request("GET", "/v1/me", as_user("u-9000")).status, 200);  // asked, registered nothing
  const std::string admin = "Authorization: Bearer " + std::string(kAdminToken) + "\r\n";
  const auto all = request("GET", "/v1/admin/users", admin);
  ASSERT_EQ(all.status, 200) << all.text;
  EXPECT_TRUE(all.has(R"({"user_id":"u-7002","status":"confirmed")")) << all.text;
  EXPECT_TRUE(all.has(R"({"user_id":"u-9000","status":"missing","registered_at":null)")) << all.text;
  const auto missing = request("GET", "/v1/admin/users?status=missing&format=csv", admin);
  ASSERT_EQ(missing.status, 200) << missing.text;
  EXPECT_TRUE(missing.has("Content-Type: text/csv")) << missing.text;
  EXPECT_TRUE(missing.has("user_id,status,registered_at,site_id,validated,last_reminded_at\r\nu-9000,missing,,,,\r\n"))
      << missing.text;
  EXPECT_FALSE(missing.has("u-7002")) << missing.text;
  const auto at_london = request("GET", "/v1/admin/users?site=london-hq", admin);
  EXPECT_TRUE(at_london.has(R"("user_id":"u-5001","status":"confirmed")")) << at_london.text;
  EXPECT_TRUE(at_london.has(R"("site_id":"london-hq")")) << at_london.text;
  EXPECT_FALSE(at_london.has("u-7002")) << at_london.text;
  EXPECT_EQ(request("GET", "/v1/admin/users?status=gone", admin).status, 400);
  EXPECT_EQ(request("GET", "/v1/admin/users?colour=red", admin).status, 400);
  EXPECT_EQ(request("GET", "/v1/admin/users", "Authorization: Bearer wrong-token-0123456789abcdef\r\n").status, 401);
  // A user's own identity opens no admin endpoint.
  EXPECT_EQ(request("GET", "/v1/admin/users", as_user("u-7002")).status, 401);
}

TEST_F(LocationsServiceTest, ARegistrationMadeElsewhereIsReadFromTheTopic) {
  kafka::Producer producer(broker_.client_properties());
  LocationUpdate u;
  u.event_id = "lu-hr-1";
  u.occurred_at = now_millis();
  u.user_id = "u-4242";
  u.source = "hr-import";
  u.address.country = "GB";
  u.address.city = "London";
  u.address.street = "Example Road";
  u.address.house_number = "1";
  producer.produce(topics_.location_updates, u.user_id, json::encode_location_update(u));
  ASSERT_TRUE(producer.flush(std::chrono::seconds(10)));
  ASSERT_TRUE(test::wait_until([&] { return service_->book().registration("u-4242").has_value(); }));
  const auto me = request("GET", "/v1/me", as_user("u-4242"));
  EXPECT_TRUE(me.has(R"("source":"hr-import")")) << me.text;
  EXPECT_TRUE(me.has(R"("emergency_number":"999")")) << me.text;
}

// Replicas answer for every user: what one learns from a user's client
// (another network, a user without a registration who asked) reaches the
// others through the sightings topic, so their statuses, admin listings
// and reminders agree.
TEST_F(LocationsServiceTest, WhatOneReplicaSeesOfAUsersClientTheOthersKnow) {
  ASSERT_EQ(request("POST", "/v1/me/registration", as_user("u-7002"), kAustin).status, 201);
  LocationsService replica(options(), observability::MetricsRegistry());
  service::BackgroundService replica_run(replica);
  ASSERT_TRUE(test::wait_until([&] { return replica.started(); })) << replica_run.error();

  ASSERT_EQ(request("GET", "/v1/me/status?ip=203.0.113.9", as_user("u-7002")).status, 200);
  ASSERT_EQ(request("GET", "/v1/me", as_user("u-9000")).status, 200);  // asked, registered nothing
  const std::string admin = "Authorization: Bearer " + std::string(kAdminToken) + "\r\n";
  Reply listing;
  ASSERT_TRUE(test::wait_until([&] {
    listing = request_to(replica, "GET", "/v1/admin/users", admin);
    return listing.has(R"({"user_id":"u-7002","status":"network-changed")") &&
           listing.has(R"({"user_id":"u-9000","status":"missing")");
  })) << listing.text;
  const auto seen_there = request_to(replica, "GET", "/v1/me/status", as_user("u-7002"));
  EXPECT_TRUE(seen_there.has(R"("status":"network-changed")")) << seen_there.text;
  // What went over the topic: the networks, never an address.
  std::vector<std::string> sightings;
  kafka::read_to_end(broker_.client_properties(), topics_.location_sightings, [&](const kafka::Message& m) {
    sightings.emplace_back(m.value);
    test::record_emitted("location-sightings", m.value);
  });
  ASSERT_FALSE(sightings.empty());
  for (const auto& s : sightings) EXPECT_EQ(s.find("Example Ave"), std::string::npos) << s;

  // Back on the registered network, through the other replica: both agree again.
  ASSERT_EQ(request_to(replica, "GET", "/v1/me/status?ip=198.51.100.20", as_user("u-7002")).status, 200);
  ASSERT_TRUE(test::wait_until([&] {
    return request("GET", "/v1/me/status", as_user("u-7002")).has(R"("status":"confirmed")");
  }));
  replica_run.stop();
  EXPECT_EQ(replica_run.error(), "");
}

TEST_F(LocationsServiceTest, ThePageIsServedWithAStrictContentSecurityPolicy) {
  const auto page = request("GET", "/", "");
  ASSERT_EQ(page.status, 200) << page.text;
  EXPECT_TRUE(page.has("Content-Type: text/html")) << page.text;
  EXPECT_TRUE(page.has("Content-Security-Policy: default-src 'none'; script-src 'self'")) << page.text;
  EXPECT_TRUE(page.has(R"(<script src="/page.js" defer></script>)")) << page.text;
  EXPECT_EQ(request("GET", "/page.js", "").status, 200);
  EXPECT_EQ(request("GET", "/page.css", "").status, 200);
  EXPECT_EQ(request("GET", "/nothing-here", "").status, 404);
  EXPECT_EQ(request("DELETE", "/v1/me", as_user("u-1")).status, 405);
}

}  // namespace
}  // namespace e911::locations
