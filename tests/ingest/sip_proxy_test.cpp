// The ingest behind a real SIP proxy: sipp callers -> Kamailio (mirroring
// with ops/kamailio/siptrace.cfg, plain SIP or HEP v3) -> a sipp carrier,
// and the ingest turning the mirrored copies into call events on the
// embedded Kafka broker. The carrier answers whether the ingest runs or
// not; each call gives exactly one initiated, answered and ended event,
// however many copies of each message the proxy mirrored.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/kafka/embedded_broker.h"
#include "common/kafka/topic_reader.h"
#include "common/service/background_service.h"
#include "producers/ingest/ingest_service.h"
#include "tests/ingest/sip_peers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"
#include "tests/support/emitted.h"

namespace e911::ingest {
namespace {

using test::wait_until;

std::string str(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

class SipProxyTest : public ::testing::TestWithParam<test::MirrorFormat> {
 protected:
  void SetUp() override {
    for (const auto& name : {topics_.call_events, topics_.dead_letter}) broker_.create_topic(name, 1);
    props_ = broker_.client_properties();
    start_ingest();
    proxy_ = std::make_unique<test::SipProxy>(dir_, ingest_port_, GetParam());
  }
  void TearDown() override {
    proxy_.reset();
    stop_ingest();
  }

  void start_ingest() {
    IngestServiceOptions o;
    o.kafka = props_;
    o.topics = topics_;
    o.sip.udp = ingest_port_ ? "127.0.0.1:" + std::to_string(ingest_port_) : "127.0.0.1:0";
    service_ = std::make_unique<IngestService>(o, observability::MetricsRegistry());
    run_ = std::make_unique<service::BackgroundService>(*service_);
    ASSERT_TRUE(wait_until([&] { return service_->started(); })) << run_->error();
    ingest_port_ = *service_->sip_udp_port();
  }
  void stop_ingest() {
    if (!run_) return;
    run_->stop();
    EXPECT_EQ(run_->error(), "");
    run_.reset();
    service_.reset();
  }

  // The call events on the topic, parsed (and kept for the schemas_emitted test).
  std::vector<std::shared_ptr<rapidjson::Document>> events() {
    std::vector<std::shared_ptr<rapidjson::Document>> out;
    kafka::read_to_end(props_, topics_.call_events, [&](const kafka::Message& m) {
      test::record_emitted("ingest-call-events", m.value);
      auto doc = std::make_shared<rapidjson::Document>();
      doc->Parse(m.value.data(), m.value.size());
      out.push_back(doc);
    });
    return out;
  }

  test::TempDir dir_;
  kafka::EmbeddedBroker broker_;
  Config::Topics topics_ = Config().topics();
  kafka::Properties props_;
  int ingest_port_ = 0;
  std::unique_ptr<IngestService> service_;
  std::unique_ptr<service::BackgroundService> run_;
  std::unique_ptr<test::SipProxy> proxy_;
};

TEST_P(SipProxyTest, EmergencyCallsThroughTheProxyBecomeOneEventPerMessage) {
  const std::vector<test::SipProxy::Call> calls = {
      {.dialed = "911"},
      {.dialed = "9911", .user = "5002", .display = "Ana Lima", .callback = "+15125550102"},
      {.dialed = "112", .user = "5003", .display = "Karl Weber", .callback = "+493012345678"},
      {.dialed = "933", .user = "5004", .display = "Test Desk", .callback = "+15125550104"},
      {.ruri = "urn:service:sos", .user = "5005", .display = "Wi-Fi Caller", .callback = "+15125550105"},
  };
  for (const auto& call : calls) {
    SCOPED_TRACE(call.dialed + call.ruri);
    EXPECT_EQ(proxy_->place(call), 0) << "the carrier did not answer and end the call (see " << dir_.root() << ")";
  }
  const std::size_t expected = calls.size() * 3;
  ASSERT_TRUE(wait_until([&] { return service_->stats().delivered >= expected; }))
      << service_->stats().delivered << " of " << expected << " call events delivered";
  const auto stats = service_->stats();
  EXPECT_EQ(stats.events, expected);
  EXPECT_GT(stats.duplicates, 0u);  // the proxy mirrors what it receives and what it sends
  EXPECT_EQ(stats.rejected, 0u);

  const auto all = events();
  ASSERT_EQ(all.size(), expected);
  std::set<std::string> ids;
  std::map<std::string, std::vector<std::string>> types_by_call;
  std::map<std::string, const rapidjson::Document*> initiated_by_dialed;
  for (const auto& e : all) {
    ids.insert(str(*e, "event_id"));
    types_by_call[str(*e, "call_id")].push_back(str(*e, "type"));
    if (str(*e, "type") == "call.initiated") initiated_by_dialed[str(*e, "dialed")] = e.get();
  }
  EXPECT_EQ(ids.size(), expected);
  ASSERT_EQ(types_by_call.size(), calls.size());
  for (const auto& [call_id, types] : types_by_call)
    EXPECT_EQ(types, (std::vector<std::string>{"call.initiated", "call.answered", "call.ended"})) << call_id;

  for (const auto& call : calls) {
    const std::string dialed = call.ruri.empty() ? call.dialed : call.ruri;
    SCOPED_TRACE(dialed);
    ASSERT_TRUE(initiated_by_dialed.count(dialed));
    const auto& e = *initiated_by_dialed[dialed];
    EXPECT_EQ(str(e["caller"], "user_id"), call.user);
    EXPECT_EQ(str(e["caller"], "name"), call.display);
    EXPECT_EQ(str(e["caller"], "callback"), call.callback);
    EXPECT_EQ(str(e["device"], "id"), "SEP9C57AD12A4E0");
    EXPECT_EQ(str(e["device"], "mac"), "9c:57:ad:12:a4:e0");
    EXPECT_EQ(str(e["device"], "bssid"), "00:11:22:33:44:55");
    EXPECT_EQ(str(e["device"], "ip"), "127.0.0.1");
    EXPECT_NE(str(e, "pidf_lo").find("<ca:A6>Congress Ave</ca:A6>"), std::string::npos);
    EXPECT_EQ(str(e["sip"], "location_inserted_by"), "phone.example.com");
    EXPECT_EQ(str(e["sip"], "geolocation_routing"), "no");
    EXPECT_FALSE(str(e["sip"], "call_id").empty());
  }
}

// The ingest is never in the call path: with it stopped, calls through the
// proxy are answered as before.
TEST_P(SipProxyTest, CallsAreAnsweredWithTheIngestStopped) {
  stop_ingest();
  EXPECT_EQ(proxy_->place({.dialed = "911"}), 0);
  EXPECT_EQ(proxy_->place({.ruri = "urn:service:sos"}), 0);
}

INSTANTIATE_TEST_SUITE_P(Mirrors, SipProxyTest,
                         ::testing::Values(test::MirrorFormat::plain_sip, test::MirrorFormat::hep3),
                         [](const auto& info) {
                           return info.param == test::MirrorFormat::hep3 ? std::string("Hep3")
                                                                         : std::string("PlainSip");
                         });

}  // namespace
}  // namespace e911::ingest
