// Teams emergency calls through Microsoft Graph notifications: the
// encrypted resource data decrypted and checked as Graph's documentation
// prescribes, the emergencyCallEvent mapped to the contract's call event,
// and every way a notification can be wrong refused with its field.

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/civic_address.h"
#include "common/encoding.h"
#include "common/events.h"
#include "common/pidf_lo.h"
#include "common/timestamp.h"
#include "producers/ingest/graph_webhook.h"
#include "tests/ingest/graph_notifications.h"

namespace e911::ingest {
namespace {

constexpr const char* kClientState = "teams-client-state-5f1c0d";

class GraphWebhookTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new test::GraphKeyPair(test::make_graph_key_pair());
    other_ = new test::GraphKeyPair(test::make_graph_key_pair());
  }
  static void TearDownTestSuite() {
    delete keys_;
    delete other_;
  }
  void SetUp() override {
    auto d = GraphDecryptor::create({{"e911-test-cert", keys_->private_pem}});
    ASSERT_TRUE(d.ok()) << d.error().message;
    decryptor_ = std::make_unique<GraphDecryptor>(std::move(*d));
  }

  std::vector<GraphItem> handle(const std::string& body) {
    auto items = handle_graph_notifications(body, {kClientState, decryptor_.get()});
    EXPECT_TRUE(items.ok()) << items.error().message;
    return items.ok() ? *items : std::vector<GraphItem>{};
  }
  std::string notification(const std::string& resource, const std::string& client_state = kClientState) {
    return test::graph_notification_body(client_state, test::graph_encrypt(keys_->public_pem, resource));
  }

  static inline test::GraphKeyPair* keys_ = nullptr;
  static inline test::GraphKeyPair* other_ = nullptr;
  std::unique_ptr<GraphDecryptor> decryptor_;
};

TEST_F(GraphWebhookTest, TheDocumentedEmergencyCallBecomesACallEvent) {
  const auto items = handle(notification(test::graph_emergency_call_resource("2b1c7f7e-0001")));
  ASSERT_EQ(items.size(), 1u);
  ASSERT_EQ(items[0].kind, GraphItem::Kind::call_event) << items[0].reason;
  EXPECT_EQ(items[0].key, "ana.lima@example.com");
  const auto decoded = decode_input_event(items[0].json);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const auto& e = std::get<CallEvent>(*decoded);
  EXPECT_EQ(e.call_id, "teams-2b1c7f7e-0001");
  EXPECT_EQ(e.event_id, "teams-2b1c7f7e-0001-callStarted");
  EXPECT_EQ(e.type, CallEventType::initiated);
  EXPECT_EQ(e.dialed, "911");
  EXPECT_EQ(e.caller.user_id, "ana.lima@example.com");
  EXPECT_EQ(e.caller.name, "Ana Lima");
  EXPECT_EQ(e.caller.callback, "+15125550102");
  EXPECT_EQ(format_rfc3339(e.occurred_at), "2026-11-26T12:35:00.123Z");
  std::string error;
  const auto conveyed = parse_pidf_lo(e.pidf_lo, error);
  ASSERT_TRUE(conveyed && conveyed->address) << error;
  EXPECT_EQ(conveyed->address->country, "US");
  EXPECT_EQ(conveyed->address->house_number, "100");
  EXPECT_EQ(conveyed->address->street, "Congress Ave");
  EXPECT_EQ(conveyed->address->city, "Austin");
  EXPECT_EQ(conveyed->address->county, "Travis");
  EXPECT_EQ(conveyed->address->postal_code, "78701");
  EXPECT_EQ(conveyed->address->name, "Example Corp");
  EXPECT_EQ(conveyed->address->additional, "Floor 1");
  ASSERT_TRUE(conveyed->geo);
  EXPECT_DOUBLE_EQ(conveyed->geo->lat, 30.2642);
  EXPECT_NE(items[0].json.find(R"("teams":{"event_id":"2b1c7f7e-0001","policy_name":"EmergencyPolicy")"),
            std::string::npos)
      << items[0].json;
}

TEST_F(GraphWebhookTest, FlatResourcesEndedCallsAndOtherEventTypes) {
  // Graph's resource type page shows the event's properties at the top level.
  auto item = map_emergency_call_event(
      R"({"@odata.type":"#microsoft.graph.emergencyCallEvent","id":"c-2","callEventType":"callEnded",)"
      R"("eventDateTime":"2026-11-26T12:40:00Z","emergencyNumberDialed":"112",)"
      R"("callerInfo":{"displayName":null,"upn":null,"phoneNumber":"+35315550100","location":null}})");
  ASSERT_EQ(item.kind, GraphItem::Kind::call_event) << item.reason;
  const auto e = std::get<CallEvent>(*decode_input_event(item.json));
  EXPECT_EQ(e.type, CallEventType::ended);
  EXPECT_EQ(e.caller.user_id, "+35315550100") << "no UPN: the number is who called";
  EXPECT_EQ(e.dialed, "112");

  item = map_emergency_call_event(R"({"id":"c-3","callEventType":"rosterUpdated","emergencyNumberDialed":"911"})");
  EXPECT_EQ(item.kind, GraphItem::Kind::ignored);
  EXPECT_NE(item.reason.find("resource.callEventType"), std::string::npos) << item.reason;
}

TEST_F(GraphWebhookTest, AnAddressInAnUnknownCountryIsLeftOutAndSaid) {
  auto resource = test::graph_emergency_call_resource("c-4");
  resource.replace(resource.find("United States"), 13, "Atlantis");
  resource.replace(resource.find("\"30.2642\""), 9, "\"00.0000\"");
  resource.replace(resource.find("\"-97.7448\""), 10, "\"00.0000\"");
  const auto item = map_emergency_call_event(resource);
  ASSERT_EQ(item.kind, GraphItem::Kind::call_event) << item.reason;
  const auto e = std::get<CallEvent>(*decode_input_event(item.json));
  EXPECT_TRUE(e.pidf_lo.empty()) << "0,0 is Teams' unknown position, and the address has no country";
  EXPECT_NE(item.json.find(R"(countryOrRegion: \"Atlantis\" is not a known country)"), std::string::npos) << item.json;
}

TEST_F(GraphWebhookTest, WrongClientStateTamperedDataAndForeignKeysAreRefused) {
  const auto resource = test::graph_emergency_call_resource("c-5");
  auto items = handle(notification(resource, "guessed"));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, GraphItem::Kind::rejected);
  EXPECT_FALSE(items[0].authenticated);
  EXPECT_EQ(items[0].reason, "value[0].clientState: does not match (not a notification of our subscription)");

  auto content = test::graph_encrypt(keys_->public_pem, resource);
  auto flipped = *base64_decode(content.data);
  flipped[5] = static_cast<char>(flipped[5] ^ 1);
  content.data = base64_encode(flipped);
  items = handle(test::graph_notification_body(kClientState, content));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, GraphItem::Kind::rejected);
  EXPECT_TRUE(items[0].authenticated);
  EXPECT_NE(items[0].reason.find("value[0].encryptedContent.dataSignature: does not match"), std::string::npos)
      << items[0].reason;

  items = handle(test::graph_notification_body(kClientState, test::graph_encrypt(other_->public_pem, resource)));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].reason.find("encryptedContent.dataKey: no configured private key decrypts it"), std::string::npos)
      << items[0].reason;

  content = test::graph_encrypt(keys_->public_pem, resource);
  content.data_key = "not base64!";
  items = handle(test::graph_notification_body(kClientState, content));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].reason, "value[0].encryptedContent.dataKey: not base64");
}

// In a batch, a rejected notification is dead-lettered by itself (still
// encrypted), not with the batch's other calls.
TEST_F(GraphWebhookTest, ARejectedNotificationInABatchCarriesOnlyItself) {
  auto tampered = test::graph_encrypt(keys_->public_pem, test::graph_emergency_call_resource("c-6"));
  tampered.data_signature = base64_encode(std::string(32, 'x'));
  rapidjson::Document good, bad;
  good.Parse(test::graph_notification_body(kClientState, test::graph_encrypt(keys_->public_pem,
                                                                             test::graph_emergency_call_resource("c-7")))
                 .c_str());
  bad.Parse(test::graph_notification_body(kClientState, tampered).c_str());
  good["value"].PushBack(bad["value"][0], good.GetAllocator());
  rapidjson::StringBuffer body;
  rapidjson::Writer<rapidjson::StringBuffer> writer(body);
  good.Accept(writer);

  const auto items = handle(body.GetString());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, GraphItem::Kind::call_event) << items[0].reason;
  EXPECT_TRUE(items[0].notification.empty());
  ASSERT_EQ(items[1].kind, GraphItem::Kind::rejected);
  EXPECT_NE(items[1].reason.find("value[1].encryptedContent.dataSignature"), std::string::npos) << items[1].reason;
  rapidjson::Document only;
  only.Parse(items[1].notification.c_str());
  ASSERT_TRUE(only.IsObject()) << items[1].notification;
  EXPECT_EQ(std::string(only["encryptedContent"]["dataSignature"].GetString()), tampered.data_signature);
  EXPECT_EQ(items[1].notification.find(good["value"][0]["encryptedContent"]["data"].GetString()), std::string::npos)
      << "the other call of the batch stays out of the dead letter";
}

TEST_F(GraphWebhookTest, ThePreviousCertificateStillDecryptsDuringRotation) {
  auto d = GraphDecryptor::create({{"new-cert", other_->private_pem}, {"e911-test-cert", keys_->private_pem}});
  ASSERT_TRUE(d.ok());
  for (const auto* id : {"e911-test-cert", "not-said"}) {
    const auto plain = d->decrypt({.data = "", .data_key = "", .data_signature = "", .certificate_id = id});
    EXPECT_FALSE(plain.ok());
    const auto content = test::graph_encrypt(keys_->public_pem, "{\"x\":1}");
    const auto ok = d->decrypt({content.data, content.data_key, content.data_signature, id});
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(*ok, "{\"x\":1}");
  }
  EXPECT_FALSE(GraphDecryptor::create({{"x", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}}).ok());
  EXPECT_FALSE(GraphDecryptor::create({}).ok());
}

TEST_F(GraphWebhookTest, LifecycleNotificationsAndMalformedBodies) {
  auto items = handle(R"({"value":[{"subscriptionId":"s","clientState":")" + std::string(kClientState) +
                      R"(","lifecycleEvent":"reauthorizationRequired","resource":"r"}]})");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, GraphItem::Kind::ignored);
  EXPECT_NE(items[0].reason.find("renew or recreate the Graph subscription"), std::string::npos);

  items = handle(R"({"value":[{"clientState":")" + std::string(kClientState) + R"(","changeType":"updated"}]})");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].reason.find("value[0].encryptedContent: missing"), std::string::npos);

  for (const auto* body : {"", "{", R"({"value":{}})", "[1]"}) {
    EXPECT_FALSE(handle_graph_notifications(body, {kClientState, decryptor_.get()}).ok()) << body;
  }
  // A resource that decrypts but is not an emergency call event.
  items = handle(notification(R"({"id":"c-6","callEventType":"callStarted"})"));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].reason, "value[0]: resource.emergencyNumberDialed: missing");
}

TEST(GraphValidation, TheTokenIsDecodedFromTheQuery) {
  EXPECT_FALSE(graph_validation_token("a=b"));
  const auto token = graph_validation_token("validationToken=Validation%3a+Testing+client+application+reachability");
  ASSERT_TRUE(token && token->ok());
  EXPECT_EQ(**token, "Validation: Testing client application reachability");
  EXPECT_FALSE(graph_validation_token("validationToken=%zz")->ok());
  EXPECT_FALSE(graph_validation_token("validationToken=")->ok());
  EXPECT_FALSE(graph_validation_token("validationToken=" + std::string(5000, 'a'))->ok());
}

TEST(CountryCode, CodesAndEnglishNames) {
  EXPECT_EQ(country_code("us"), "US");
  EXPECT_EQ(country_code(" United States "), "US");
  EXPECT_EQ(country_code("united kingdom"), "GB");
  EXPECT_EQ(country_code("Germany"), "DE");
  EXPECT_FALSE(country_code("XX"));
  EXPECT_FALSE(country_code("Atlantis"));
  EXPECT_FALSE(country_code(""));
}

}  // namespace
}  // namespace e911::ingest
