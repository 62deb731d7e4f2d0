// The locator's ELIN lookup endpoint (elin_lookup_endpoint.h) on a real
// socket: bearer tokens, the answer for an assigned and a free ELIN, bad
// paths and methods, and every answer recorded with who asked.

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "common/sha256.h"
#include "consumers/locator/elin_lookup_endpoint.h"
#include "consumers/locator/locator_config.h"
#include "tests/locator/austin_assignment.h"
#include "tests/support/component_config.h"
#include "tests/support/raw_client.h"
#include "tests/support/temp_dir.h"

namespace e911::locator {
namespace {

constexpr const char* kToken = "pbx-token-0123456789abcdefghijklmnopqrstuv";

class ElinLookupEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    assignments_.apply(test::austin_assignment(now_millis() - 60'000));
    ElinLookupSink sink;
    sink.lookup = [this](std::string_view elin, EpochMillis now) { return assignments_.lookup(elin, now); };
    sink.record = [this](const ElinLookup& l) {
      std::lock_guard lock(mutex_);
      recorded_.push_back(l);
    };
    const auto tokens = dir_.write("tokens", std::string("pbx-callback ") + sha256_hex(kToken) + "\n");
    endpoint_ = std::make_unique<ElinLookupEndpoint>(ElinLookupOptions{.tokens_file = tokens}, std::move(sink));
  }

  std::string get(const std::string& path, bool with_token = true, const std::string& method = "GET") {
    test::RawClient client(endpoint_->port());
    client.send(method + " " + path + " HTTP/1.1\r\nHost: x\r\n" +
                (with_token ? std::string("Authorization: Bearer ") + kToken + "\r\n" : "") +
                "Connection: close\r\n\r\n");
    return client.response().value_or("");
  }

  std::vector<ElinLookup> recorded() {
    std::lock_guard lock(mutex_);
    return recorded_;
  }

  test::TempDir dir_;
  ElinAssignments assignments_;
  std::mutex mutex_;
  std::vector<ElinLookup> recorded_;
  std::unique_ptr<ElinLookupEndpoint> endpoint_;
};

TEST_F(ElinLookupEndpointTest, AnswersWhomACallbackReachesAndRecordsWhoAsked) {
  const auto reply = get("/v1/elins/%2B15125550190");
  EXPECT_EQ(test::status_of(reply), 200) << reply;
  EXPECT_NE(reply.find(R"({"elin":"+15125550190","reachable":true,"pool":"austin/austin-2","call_id":"c-1",)"
                       R"("user_id":"u-1","extension":"5001","callback":"+15125550142")"),
            std::string::npos)
      << reply;
  const auto free = get("/v1/elins/+15125550191");
  EXPECT_EQ(test::status_of(free), 200) << free;
  EXPECT_NE(free.find(R"({"elin":"+15125550191","reachable":false})"), std::string::npos) << free;
  const auto seen = recorded();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].via, "http");
  EXPECT_EQ(seen[0].by, "pbx-callback");
  ASSERT_TRUE(seen[0].answer);
  EXPECT_EQ(seen[0].answer->call_id, "c-1");
  EXPECT_FALSE(seen[1].answer);
  EXPECT_NE(seen[0].lookup_id, seen[1].lookup_id);
  // The record carries the call, not the caller.
  const auto json = encode_elin_lookup(seen[0]);
  EXPECT_NE(json.find(R"("via":"http","by":"pbx-callback","reachable":true,"call_id":"c-1")"), std::string::npos)
      << json;
  EXPECT_EQ(json.find("u-1"), std::string::npos) << json;
  EXPECT_EQ(json.find("+15125550142"), std::string::npos) << json;
}

TEST_F(ElinLookupEndpointTest, RefusesWithoutATokenAndNamesWhatIsWrongWithTheRequest) {
  EXPECT_EQ(test::status_of(get("/v1/elins/%2B15125550190", /*with_token=*/false)), 401);
  const auto bad = get("/v1/elins/5550190");
  EXPECT_EQ(test::status_of(bad), 400) << bad;
  EXPECT_NE(bad.find("ELIN in the path"), std::string::npos) << bad;
  EXPECT_EQ(test::status_of(get("/v1/elins/%ZZ")), 400);
  EXPECT_EQ(test::status_of(get("/v1/elins/%2B15125550190", true, "POST")), 405);
  EXPECT_EQ(test::status_of(get("/v1/other")), 404);
  EXPECT_TRUE(recorded().empty());  // nothing was looked up
}

Result<LocatorServiceOptions> setup(const test::TempDir& dir, const std::string& yaml) {
  return test::component_setup(dir, "kafka:\n  bootstrap.servers: 127.0.0.1:9092\nlocator:\n  registry: r.yaml\n" + yaml,
                               locator_config_keys(), locator_setup);
}

TEST(LocatorConfig, TheLookupEndpointIsOffUnlessEnabledAndThenNeedsItsTokens) {
  test::TempDir dir;
  const auto off = setup(dir, "");
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_FALSE(off->elin_lookup);
  const auto on = setup(dir, "  elin_lookup: {enabled: true, port: 0, bind: 0.0.0.0, tokens_file: /run/t}\n");
  ASSERT_TRUE(on.ok()) << on.error().message;
  ASSERT_TRUE(on->elin_lookup);
  EXPECT_EQ(on->elin_lookup->listen.bind, "0.0.0.0");
  EXPECT_EQ(on->elin_lookup->listen.port, 0);
  EXPECT_EQ(on->elin_lookup->listen.max_threads, 4u);
  EXPECT_EQ(on->elin_lookup->tokens_file, "/run/t");
  const auto no_tokens = setup(dir, "  elin_lookup: {enabled: true}\n");
  ASSERT_FALSE(no_tokens.ok());
  EXPECT_NE(no_tokens.error().message.find("locator.elin_lookup.tokens_file: required"), std::string::npos)
      << no_tokens.error().message;
  const auto half_tls = setup(dir, "  elin_lookup: {enabled: true, tokens_file: /run/t, tls_certificate: c.pem}\n");
  ASSERT_FALSE(half_tls.ok());
  EXPECT_NE(half_tls.error().message.find(
                "locator.elin_lookup.tls_certificate and locator.elin_lookup.tls_private_key: set both, or neither"),
            std::string::npos)
      << half_tls.error().message;
}

}  // namespace
}  // namespace e911::locator
