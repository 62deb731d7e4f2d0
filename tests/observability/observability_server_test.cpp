#include "common/observability/observability_server.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>

#include "tests/observability/log_capture.h"
#include "tests/support/raw_client.h"

namespace e911::observability {
namespace {

struct Reply {
  int status = 0;
  std::string content_type;
  std::string allow;
  std::string body;
};

Reply fetch(std::uint16_t port, const std::string& path, const std::string& method = "GET") {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  Reply r;
  r.status = static_cast<int>(resp.getStatus());
  r.content_type = resp.getContentType();
  r.allow = resp.get("Allow", "");
  Poco::StreamCopier::copyToString(in, r.body);
  return r;
}

rapidjson::Document json(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  EXPECT_FALSE(doc.HasParseError()) << body;
  EXPECT_TRUE(doc.IsObject()) << body;
  return doc;
}

// A health function the test flips, as a component would from its
// consumer thread.
class FakeComponent {
 public:
  HealthStatus health() const {
    std::lock_guard lock(mu_);
    return live_ ? HealthStatus::ok() : HealthStatus::down(reason_);
  }
  void set_down(std::string reason) {
    std::lock_guard lock(mu_);
    live_ = false;
    reason_ = std::move(reason);
  }
  void set_up() {
    std::lock_guard lock(mu_);
    live_ = true;
  }

 private:
  mutable std::mutex mu_;
  bool live_ = true;
  std::string reason_;
};

class ObservabilityServerTest : public ::testing::Test {
 protected:
  // Keeps the server's own log line out of the test output.
  test::LogCapture logs_{LogLevel::info};
};

TEST_F(ObservabilityServerTest, ServesMetricsInTheTextFormat) {
  MetricsRegistry metrics("9.9.9");
  auto& sent = metrics.counter("notifier", "alerts_sent", "Alerts sent.").Add({{"channel", "smtp"}});
  sent.Increment(4);
  ObservabilityServer server(metrics, nullptr);
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(server.bind_address(), "127.0.0.1");

  const Reply r = fetch(server.port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("# TYPE e911_notifier_alerts_sent_total counter"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("e911_notifier_alerts_sent_total{channel=\"smtp\"} 4\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(std::string("e911_build_info{revision=\"") + build_revision() + "\",version=\"9.9.9\"} 1\n"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("\nprocess_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(r.body.find("\nprocess_start_time_seconds "), std::string::npos);

  // Each scrape is current.
  sent.Increment();
  EXPECT_NE(fetch(server.port(), "/metrics?x=1").body.find("e911_notifier_alerts_sent_total{channel=\"smtp\"} 5\n"),
            std::string::npos);

  // Metrics registered after the server started show up too.
  metrics.gauge("notifier", "queue_depth", "Alerts waiting.").Add({}).Set(3);
  EXPECT_NE(fetch(server.port(), "/metrics").body.find("e911_notifier_queue_depth 3\n"), std::string::npos);
}

TEST_F(ObservabilityServerTest, HealthFollowsTheComponent) {
  FakeComponent component;
  ObservabilityServer server(MetricsRegistry(), [&component] { return component.health(); });

  Reply r = fetch(server.port(), "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_STREQ(json(r.body)["status"].GetString(), "ok");

  component.set_down("kafka: no partition assigned");
  r = fetch(server.port(), "/healthz");
  EXPECT_EQ(r.status, 503);
  auto doc = json(r.body);
  EXPECT_STREQ(doc["status"].GetString(), "unavailable");
  EXPECT_STREQ(doc["reason"].GetString(), "kafka: no partition assigned");

  component.set_up();
  EXPECT_EQ(fetch(server.port(), "/healthz").status, 200);
}

TEST_F(ObservabilityServerTest, HealthDetailAndFailures) {
  {
    ObservabilityServer server(MetricsRegistry(), [] { return HealthStatus::ok("consuming 3 partitions"); });
    const Reply r = fetch(server.port(), "/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_STREQ(json(r.body)["detail"].GetString(), "consuming 3 partitions");
  }
  {
    ObservabilityServer server(MetricsRegistry(), []() -> HealthStatus { throw std::runtime_error("boom"); });
    const Reply r = fetch(server.port(), "/healthz");
    EXPECT_EQ(r.status, 503);
    EXPECT_STREQ(json(r.body)["reason"].GetString(), "health check failed: boom");
  }
  {
    ObservabilityServer server(MetricsRegistry(), nullptr);  // no check: live while serving
    EXPECT_EQ(fetch(server.port(), "/healthz").status, 200);
  }
}

TEST_F(ObservabilityServerTest, UnknownPathsAndMethodsAreRefused) {
  ObservabilityServer server(MetricsRegistry(), nullptr);
  EXPECT_EQ(fetch(server.port(), "/").status, 404);
  EXPECT_EQ(fetch(server.port(), "/metricsx").status, 404);
  EXPECT_EQ(fetch(server.port(), "/health").status, 404);
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    for (const char* path : {"/metrics", "/healthz"}) {
      const Reply r = fetch(server.port(), path, method);
      EXPECT_EQ(r.status, 405) << method << " " << path;
      EXPECT_EQ(r.allow, "GET");
    }
  }
  // Still serving after the refusals.
  EXPECT_EQ(fetch(server.port(), "/metrics").status, 200);
}

TEST_F(ObservabilityServerTest, AKeptAliveSessionServesSeveralRequests) {
  ObservabilityServer server(MetricsRegistry(), nullptr);
  Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
  session.setKeepAlive(true);
  session.setTimeout(Poco::Timespan(10, 0));
  for (int i = 0; i < 3; ++i) {
    Poco::Net::HTTPRequest req("GET", i % 2 ? "/healthz" : "/metrics", Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    session.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), body);
    EXPECT_EQ(resp.getStatus(), Poco::Net::HTTPResponse::HTTP_OK);
  }
  // The destructor must not wait for this idle keep-alive connection to time out:
  // it aborts it (the test would take the 5 s keep-alive timeout otherwise,
  // which ctest does not flag, but a hang would).
}

// Slow or idle clients (a port scanner, a stuck proxy) must not stop the
// scrape or the probe: 24 of them hold connections while both answer.
TEST_F(ObservabilityServerTest, SlowClientsDoNotStopMetricsOrHealth) {
  ObservabilityServer server(MetricsRegistry(), nullptr);
  test::SlowClients slow(server.port(), 24);
  EXPECT_EQ(fetch(server.port(), "/metrics").status, 200);
  EXPECT_EQ(fetch(server.port(), "/healthz").status, 200);
  EXPECT_TRUE(slow.all_still_waiting()) << "answered only once the slow clients were cut off";
}

TEST_F(ObservabilityServerTest, APortInUseIsAnError) {
  ObservabilityServer first(MetricsRegistry(), nullptr);
  try {
    ObservabilityServer second(MetricsRegistry(), nullptr, "127.0.0.1", first.port());
    FAIL() << "a second server bound port " << first.port();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(first.port())), std::string::npos) << e.what();
  }
  EXPECT_EQ(fetch(first.port(), "/healthz").status, 200);
}

// 192.0.2.1 (TEST-NET-1) is on no interface here: bind fails, nothing is sent.
TEST_F(ObservabilityServerTest, AnAddressNotOnThisHostIsAnError) {
  EXPECT_THROW(ObservabilityServer(MetricsRegistry(), nullptr, "192.0.2.1", 0), std::runtime_error);
}

TEST_F(ObservabilityServerTest, StopsAndFreesThePort) {
  std::uint16_t port = 0;
  {
    ObservabilityServer server(MetricsRegistry(), nullptr);
    port = server.port();
    EXPECT_EQ(fetch(port, "/healthz").status, 200);
  }
  // After destruction the same port can be bound again, and it serves.
  ObservabilityServer again(MetricsRegistry(), nullptr, "127.0.0.1", port);
  EXPECT_EQ(again.port(), port);
  EXPECT_EQ(fetch(port, "/healthz").status, 200);
}

TEST_F(ObservabilityServerTest, LogsWhereItListens) {
  ObservabilityServer server(MetricsRegistry(), nullptr);
  const auto lines = logs_.lines();
  ASSERT_FALSE(lines.empty());
  const auto doc = json(lines.back());
  EXPECT_STREQ(doc["component"].GetString(), "observability");
  EXPECT_EQ(doc["port"].GetUint64(), server.port());
}

}  // namespace
}  // namespace e911::observability
