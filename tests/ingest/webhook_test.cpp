// The ingest's HTTP front door (POST /v1/call-events, POST /v1/sip) on the
// embedded broker: answered 202 only once Kafka acknowledged, bearer
// tokens checked, bad input refused with a reason naming the line and
// dead-lettered, a SIP message decoded as a mirrored one would be.

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <istream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "common/service/background_service.h"
#include "common/events.h"
#include "common/pidf_lo.h"
#include "common/sha256.h"
#include "common/timestamp.h"
#include "producers/ingest/ingest_service.h"
#include "tests/ingest/graph_notifications.h"
#include "tests/ingest/ingest_test_cluster.h"
#include "tests/support/files.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace e911::ingest {
namespace {

constexpr const char* kToken = "ingest-test-token-0123456789abcdefghijkl";
constexpr const char* kZoomSecret = "zoom-test-secret-token";
constexpr const char* kTeamsClientState = "teams-client-state-5f1c0d";

// A phone.emergency_alert in the shape of Zoom's documentation (the
// PhoneEmergencyAlertEvent type of Zoom's own SDK, Rivet).
constexpr const char* kZoomAlert = R"({"event":"phone.emergency_alert","event_ts":1764160500000,"payload":{
  "account_id":"D8cJuqWVQ623CI4Q8yQK0Q","object":{"call_id":"7039214785652154437",
  "callee":{"phone_number":"911"},
  "caller":{"id":"z8yCxjabzwrcs8NLdDLs8T","display_name":"Ana Lima","extension_number":"5002",
            "extension_type":"user","phone_number":"+15125550102","site_id":"8f71O6rWT8KFUGQmJIFAdQ",
            "site_name":"Austin","timezone":"America/Chicago"},
  "deliver_to":"PSAP","router":"Zoom",
  "emergency_address":{"address_line1":"100 Congress Ave","address_line2":"Floor 1","city":"Austin",
                       "country":"US","state_code":"TX","zip":"78701"},
  "location":{"bssid":["00:11:22:33:44:66"],"gps":["30.2642,-97.7448"],"ip":["10.60.1.44"]},
  "ringing_start_time":"2026-11-26T12:35:00Z"}}})";

struct Reply {
  int status = 0;
  std::string body;
  std::string www_authenticate;
  std::string retry_after;
};

class WebhookTest : public ::testing::Test, protected test::IngestTestCluster {
 protected:
  void SetUp() override {
    auto o = ingest_options();
    WebhookOptions http;
    http.tokens_file = dir_.write("tokens", "pbx " + sha256_hex(kToken) + "\n");
    http.zoom_secret_token = kZoomSecret;
    http.graph_client_state = kTeamsClientState;
    auto decryptor = GraphDecryptor::create({{"e911-test-cert", teams_keys().private_pem}});
    ASSERT_TRUE(decryptor.ok()) << decryptor.error().message;
    http.graph_decryptor = std::make_shared<const GraphDecryptor>(std::move(*decryptor));
    http.rate_limit = rate_limit_;
    o.http = http;
    service_ = std::make_unique<IngestService>(o, metrics_);
    run_ = std::make_unique<service::BackgroundService>(*service_);
    ASSERT_TRUE(test::wait_until([&] { return service_->started(); })) << run_->error();
  }
  void TearDown() override {
    run_->stop();
    EXPECT_EQ(run_->error(), "");
  }

  Reply post(const std::string& path, const std::string& content_type, const std::string& body,
             const std::string& token = kToken, const std::string& method = "POST",
             const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    Poco::Net::HTTPClientSession session("127.0.0.1", *service_->http_port());
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    if (!content_type.empty()) request.setContentType(content_type);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    auto& in = session.receiveResponse(response);
    Reply r{static_cast<int>(response.getStatus()), std::string(std::istreambuf_iterator<char>(in), {}),
            response.get("WWW-Authenticate", ""), response.get("Retry-After", "")};
    return r;
  }

  static std::string call_event(const std::string& id) {
    return R"({"schema":"e911.call-event/v1","event_id":")" + id + R"(","call_id":"c-)" + id +
           R"(","type":"call.initiated","occurred_at":"2026-11-21T10:15:00Z","dialed":"911","caller":{"user_id":"u-1"}})";
  }

  static const test::GraphKeyPair& teams_keys() {
    static const test::GraphKeyPair keys = test::make_graph_key_pair();
    return keys;
  }

  net::RateLimit rate_limit_{};  // before SetUp: a fixture's own limit
  observability::MetricsRegistry metrics_;
  test::TempDir dir_;
  std::unique_ptr<IngestService> service_;
  std::unique_ptr<service::BackgroundService> run_;
};

TEST_F(WebhookTest, CallEventsAreAcceptedOnceKafkaHasThem) {
  auto r = post("/v1/call-events", "application/json", call_event("h-1"));
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.body, R"({"accepted":1})");
  r = post("/v1/call-events", "application/x-ndjson", call_event("h-2") + "\n\n" + call_event("h-3") + "\n");
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.body, R"({"accepted":2})");
  // Acknowledged means on the topic, already.
  const auto events = topic(topics_.call_events);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_NE(events[2].find("\"h-3\""), std::string::npos);
}

TEST_F(WebhookTest, RefusesWithoutAValidToken) {
  for (const std::string& token : {std::string(), std::string("not-the-token-0123456789abcdefghijklmn")}) {
    const auto r = post("/v1/call-events", "application/json", call_event("t-1"), token);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.www_authenticate, "Bearer");
  }
  EXPECT_TRUE(topic(topics_.call_events).empty());
}

TEST_F(WebhookTest, BadInputIsRefusedWithTheLineAndFieldAndDeadLettered) {
  auto r = post("/v1/call-events", "application/x-ndjson",
                call_event("b-1") + "\n" + R"({"schema":"e911.call-event/v1","event_id":"b-2"})" + "\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("line 2: call_id: missing"), std::string::npos) << r.body;
  r = post("/v1/call-events", "application/json", "{not json");
  EXPECT_EQ(r.status, 400);
  r = post("/v1/call-events", "text/plain", call_event("b-3"));
  EXPECT_EQ(r.status, 415);
  r = post("/v1/call-events", "application/json", call_event("b-4"), kToken, "PUT");
  EXPECT_EQ(r.status, 405);
  r = post("/v1/nothing", "application/json", "{}");
  EXPECT_EQ(r.status, 404);
  // Nothing of a refused request was produced; the bad documents are dead letters.
  EXPECT_TRUE(topic(topics_.call_events).empty());
  ASSERT_TRUE(test::wait_until([&] { return topic(topics_.dead_letter).size() == 2; }));
  EXPECT_NE(topic(topics_.dead_letter)[0].find("\"http/http\""), std::string::npos);
}

TEST_F(WebhookTest, ASipMessageIsDecodedAsAMirroredOneWouldBe) {
  const auto invite = test::read_file(test::source_dir() + "/tests/ingest/sip/cisco-911.sip");
  auto r = post("/v1/sip", "message/sip", invite);
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_NE(r.body.find("\"event_id\":\"sip-"), std::string::npos) << r.body;
  r = post("/v1/sip", "message/sip", invite);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"outcome\":\"duplicate\""), std::string::npos) << r.body;
  r = post("/v1/sip", "message/sip", test::read_file(test::source_dir() + "/tests/ingest/sip/180-ringing.sip"));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"outcome\":\"ignored\""), std::string::npos) << r.body;
  r = post("/v1/sip", "message/sip", test::read_file(test::source_dir() + "/tests/ingest/sip/short-body.sip"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("body shorter than Content-Length"), std::string::npos) << r.body;
  const auto events = topic(topics_.call_events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].find("\"dialed\":\"911\""), std::string::npos);
}

// Signs `body` as Zoom does, `age_s` seconds ago.
std::vector<std::pair<std::string, std::string>> zoom_headers(const std::string& body, long age_s = 0,
                                                              const std::string& secret = kZoomSecret) {
  const auto ts = std::to_string(now_millis() / 1000 - age_s);
  return {{"x-zm-request-timestamp", ts}, {"x-zm-signature", "v0=" + hmac_sha256_hex(secret, "v0:" + ts + ":" + body)}};
}

TEST_F(WebhookTest, ZoomUrlValidationIsAnswered) {
  const std::string body =
      R"({"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"})";
  const auto r = post("/v1/zoom", "application/json", body, "", "POST", zoom_headers(body));
  EXPECT_EQ(r.status, 200) << r.body;
  // The token computed independently (Python's hmac) for this secret.
  EXPECT_EQ(r.body, std::string(R"({"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":")") +
                        "189bad60d71b25fc9705f43e5883e837f2d813ec93ba913b641fbe02d931744f\"}");
}

TEST_F(WebhookTest, ZoomEmergencyAlertBecomesACallEvent) {
  const std::string body = kZoomAlert;
  auto r = post("/v1/zoom", "application/json", body, "", "POST", zoom_headers(body));
  EXPECT_EQ(r.status, 200) << r.body;
  const auto events = topic(topics_.call_events);
  ASSERT_EQ(events.size(), 1u);
  const auto decoded = decode_input_event(events[0]);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const auto& e = std::get<CallEvent>(*decoded);
  EXPECT_EQ(e.call_id, "zoom-7039214785652154437");
  EXPECT_EQ(e.dialed, "911");
  EXPECT_EQ(e.caller.user_id, "z8yCxjabzwrcs8NLdDLs8T");
  EXPECT_EQ(e.caller.name, "Ana Lima");
  EXPECT_EQ(e.caller.extension, "5002");
  EXPECT_EQ(e.caller.callback, "+15125550102");
  EXPECT_EQ(e.device.ip->to_string(), "10.60.1.44");
  EXPECT_EQ(e.device.bssid->to_string(), "00:11:22:33:44:66");
  ASSERT_TRUE(e.device.geo);
  EXPECT_DOUBLE_EQ(e.device.geo->lat, 30.2642);
  EXPECT_EQ(format_rfc3339(e.occurred_at), "2026-11-26T12:35:00.000Z");
  std::string error;
  const auto conveyed = parse_pidf_lo(e.pidf_lo, error);
  ASSERT_TRUE(conveyed && conveyed->address) << error;
  EXPECT_EQ(conveyed->address->street, "100 Congress Ave");
  EXPECT_EQ(conveyed->address->state, "TX");
  EXPECT_EQ(conveyed->address->postal_code, "78701");
  // Zoom retries until it sees a 2xx: the repeat has the same event id.
  r = post("/v1/zoom", "application/json", body, "", "POST", zoom_headers(body));
  EXPECT_EQ(r.status, 200);
  const auto again = topic(topics_.call_events);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(std::get<CallEvent>(*decode_input_event(again[1])).event_id, e.event_id);
}

TEST_F(WebhookTest, ZoomRequestsWithoutTheRightSignatureAreRefused) {
  const std::string body = kZoomAlert;
  for (const auto& headers : {zoom_headers(body, 0, "another-secret"), zoom_headers(body, 3600),
                              std::vector<std::pair<std::string, std::string>>{}}) {
    const auto r = post("/v1/zoom", "application/json", body, "", "POST", headers);
    EXPECT_EQ(r.status, 401) << r.body;
  }
  // Signed, but not an event the ingest can use: 400 with the field.
  const std::string broken = R"({"event":"phone.emergency_alert","payload":{"object":{"callee":{},"caller":{}}}})";
  const auto r = post("/v1/zoom", "application/json", broken, "", "POST", zoom_headers(broken));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("payload.object.call_id: missing"), std::string::npos) << r.body;
  EXPECT_TRUE(topic(topics_.call_events).empty());
}

TEST_F(WebhookTest, TeamsSubscriptionValidationIsEchoedAsPlainText) {
  Poco::Net::HTTPClientSession session("127.0.0.1", *service_->http_port());
  Poco::Net::HTTPRequest request("POST", "/v1/teams?validationToken=Validation%3a+Testing+client+application+reachability",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("text/plain");
  request.setContentLength(0);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  auto& in = session.receiveResponse(response);
  EXPECT_EQ(response.getStatus(), 200);
  EXPECT_EQ(response.getContentType(), "text/plain; charset=utf-8");
  EXPECT_EQ(response.get("X-Content-Type-Options", ""), "nosniff");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "Validation: Testing client application reachability");
}

TEST_F(WebhookTest, TeamsEmergencyCallNotificationBecomesACallEvent) {
  const auto body = test::graph_notification_body(
      kTeamsClientState,
      test::graph_encrypt(teams_keys().public_pem, test::graph_emergency_call_resource("7d2e0c55-0001")));
  auto r = post("/v1/teams", "application/json", body, "");
  EXPECT_EQ(r.status, 202) << r.body;
  const auto events = topic(topics_.call_events);
  ASSERT_EQ(events.size(), 1u);
  const auto e = std::get<CallEvent>(*decode_input_event(events[0]));
  EXPECT_EQ(e.call_id, "teams-7d2e0c55-0001");
  EXPECT_EQ(e.caller.user_id, "ana.lima@example.com");
  EXPECT_EQ(e.dialed, "911");
  EXPECT_FALSE(e.pidf_lo.empty());
  // Graph retries a notification it saw no 2xx for: the repeat keeps its event id.
  r = post("/v1/teams", "application/json", body, "");
  EXPECT_EQ(r.status, 202);
  const auto again = topic(topics_.call_events);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(std::get<CallEvent>(*decode_input_event(again[1])).event_id, e.event_id);
}

TEST_F(WebhookTest, TeamsNotificationsOfAnotherSubscriptionOrTamperedAreRefused) {
  const auto resource = test::graph_emergency_call_resource("7d2e0c55-0002");
  auto r = post("/v1/teams", "application/json",
                test::graph_notification_body("guessed", test::graph_encrypt(teams_keys().public_pem, resource)), "");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("clientState: does not match"), std::string::npos) << r.body;
  EXPECT_TRUE(topic(topics_.dead_letter).empty()) << "an unauthenticated body is not dead-lettered";

  // Ours, but tampered with: accepted (Graph must not retry it), dead-lettered with the reason.
  auto content = test::graph_encrypt(teams_keys().public_pem, resource);
  content.data_signature = content.data_signature == "AAAA" ? "BBBB" : "AAAA";
  r = post("/v1/teams", "application/json", test::graph_notification_body(kTeamsClientState, content), "");
  EXPECT_EQ(r.status, 202) << r.body;
  // Dead letters are produced after the answer: wait for it. The refused
  // request came first on the same producer, so it would be there before.
  std::vector<std::string> dead;
  ASSERT_TRUE(test::wait_until([&] { return !(dead = topic(topics_.dead_letter)).empty(); }));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(dead[0].find("dataSignature: does not match"), std::string::npos) << dead[0];

  r = post("/v1/teams", "application/json", "{\"value\":", "");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(topic(topics_.call_events).empty());
}

// Two requests at once per client, then (practically) none: the third is
// refused 429 with Retry-After and counted; another client, and the
// platforms' addresses, keep their own allowance.
class WebhookRateLimitTest : public WebhookTest {
 protected:
  WebhookRateLimitTest() { rate_limit_ = {.per_second = 0.001, .burst = 2}; }
};

TEST_F(WebhookRateLimitTest, AClientOverItsRateIsToldToRetryAndCounted) {
  EXPECT_EQ(post("/v1/call-events", "application/json", call_event("rl-1")).status, 202);
  EXPECT_EQ(post("/v1/call-events", "application/json", call_event("rl-2")).status, 202);
  const auto refused = post("/v1/call-events", "application/json", call_event("rl-3"));
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_NE(refused.body.find("too many requests"), std::string::npos) << refused.body;
  EXPECT_GE(std::stoi(refused.retry_after.empty() ? "0" : refused.retry_after), 1);
  // A wrong token is another client, keyed by its address: its own two, then 429.
  EXPECT_EQ(post("/v1/call-events", "application/json", call_event("rl-4"), "not-a-token").status, 401);
  EXPECT_EQ(post("/v1/call-events", "application/json", call_event("rl-5"), "not-a-token").status, 401);
  EXPECT_EQ(post("/v1/call-events", "application/json", call_event("rl-6"), "not-a-token").status, 429);
  // Zoom comes from the same loopback address: its allowance is spent too.
  EXPECT_EQ(post("/v1/zoom", "application/json", "{}", "").status, 429);
  const auto scrape = metrics_.scrape_text();
  EXPECT_NE(scrape.find("e911_ingest_http_rate_limited_total{transport=\"http\"} 2"), std::string::npos) << scrape;
  EXPECT_NE(scrape.find("e911_ingest_http_rate_limited_total{transport=\"zoom\"} 1"), std::string::npos) << scrape;
  EXPECT_NE(scrape.find("e911_ingest_http_rate_limited_total{transport=\"teams\"} 0"), std::string::npos) << scrape;
  // Only the two accepted requests reached Kafka.
  EXPECT_EQ(topic(topics_.call_events).size(), 2u);
}

}  // namespace
}  // namespace e911::ingest
