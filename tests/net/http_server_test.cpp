// The HTTP host (common/net/http_server.h) against clients that misbehave:
// idle and trickling connections, floods, malformed requests; and what it
// promises every endpoint: HTTP/1.1 answers, limits answered 503 rather
// than reset, priority paths served when full, a clean stop.

#include "common/net/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "tests/observability/log_capture.h"
#include "tests/support/gate.h"
#include "tests/support/raw_client.h"
#include "tests/support/wait.h"

namespace e911::net {
namespace {

using test::Gate;
using test::RawClient;
using test::status_of;

// Sends `start_of_request`, then one more byte at a time, each sooner than
// any per-read timeout, for as long as the server keeps taking them without
// an answer (at most test::kDeadline).
void trickle(RawClient& c, const std::string& start_of_request) {
  c.send(start_of_request);
  const auto give_up = std::chrono::steady_clock::now() + test::kDeadline;
  while (!c.closed() && c.received().empty() && std::chrono::steady_clock::now() < give_up) {
    if (!c.send("x")) break;
    c.receive(std::chrono::milliseconds(20));
  }
}

class HttpServerTest : public ::testing::Test {
 protected:
  // /hold waits at the gate, /boom throws, /split sets a hostile header,
  // anything else echoes what came.
  HttpResponse handle(const HttpRequest& r) {
    ++handled_;
    if (r.path == "/hold") gate_.wait();
    if (r.path == "/boom") throw std::runtime_error("secret detail");
    HttpResponse out;
    out.content_type = "text/plain";
    out.body = r.method + " " + r.path + " ?" + r.query + " [" + r.body + "]";
    if (r.path == "/split") out.set("X-Split", "a\r\nSet-Cookie: evil=1");
    return out;
  }

  std::unique_ptr<HttpServer> start(HttpServerOptions o = {}) {
    o.name = "test server";
    if (o.priority_paths.empty()) o.priority_paths = {"/healthz"};
    o.response_headers = {{"X-Test", "1"}};
    return std::make_unique<HttpServer>([this](const HttpRequest& r) { return handle(r); }, std::move(o));
  }

  static std::string get(const std::string& path, const std::string& extra = "") {
    return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
  }

  // One request on a new connection; the response, or "" if none came.
  static std::string ask(std::uint16_t port, const std::string& request) {
    RawClient c(port);
    c.send(request);
    return c.response().value_or("");
  }

  test::LogCapture logs_{LogLevel::debug};  // keeps the server's lines out of the output
  Gate gate_;
  std::atomic<int> handled_{0};
};

TEST_F(HttpServerTest, ServesKeepAliveAndPipelinedRequests) {
  const auto server = start();
  RawClient c(server->port());
  c.send(get("/a?x=1") + "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" + get("/c"));
  for (const char* expected : {"GET /a ?x=1 []", "POST /b ? [hello]", "GET /c ? []"}) {
    const auto r = c.response();
    ASSERT_TRUE(r) << c.received();
    EXPECT_EQ(status_of(*r), 200);
    EXPECT_NE(r->find(expected), std::string::npos) << *r;
    EXPECT_NE(r->find("X-Test: 1\r\n"), std::string::npos);
  }
}

TEST_F(HttpServerTest, AlwaysAnswersHttp11AndClosesAfterAMalformedRequest) {
  const auto server = start();
  {
    RawClient c(server->port());
    c.send("GET / FOO/9.9\r\n\r\n");
    const auto r = c.response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << *r;
    EXPECT_NE(r->find("Connection: close"), std::string::npos);
    EXPECT_NE(r->find("X-Test: 1"), std::string::npos) << "the host's own answers carry the headers too";
    EXPECT_TRUE(c.wait_closed(test::kDeadline));
  }
  const auto old = ask(server->port(), "GET /old HTTP/1.0\r\n\r\n");
  EXPECT_EQ(old.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << old;
  EXPECT_EQ(status_of(ask(server->port(), "GET / HTTP/2.0\r\n\r\n")), 505);
  EXPECT_EQ(handled_.load(), 1) << "only the well-formed request reached the handler";
}

TEST_F(HttpServerTest, NegativeOrOverflowingContentLengthIs400) {
  const auto server = start();
  for (const char* length : {"-1", "+5", "18446744073709551616", "9223372036854775808", "1e3", "5, 6"}) {
    const auto r = ask(server->port(), "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::string(length) +
                                           "\r\n\r\nhello");
    EXPECT_EQ(status_of(r), 400) << length << ": " << r;
  }
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, ErrorsNeverEchoTheRequestsBytes) {
  const auto server = start();
  for (const std::string& bad : {std::string("GET /\xff\xfe<script> HTTP/1.1\r\n\r\n"),
                                std::string("GET / HTTP/1.1\r\n<script>: \x01\r\n\r\n"),
                                std::string("GET / HTTP/1.1\r\nContent-Length: <script>\r\n\r\n")}) {
    const auto r = ask(server->port(), bad);
    EXPECT_EQ(status_of(r), 400) << r;
    EXPECT_EQ(r.find("script"), std::string::npos) << r;
    EXPECT_EQ(r.find('\xff'), std::string::npos) << r;
  }
}

TEST_F(HttpServerTest, ResponseHeadersCannotBeSplit) {
  const auto server = start();
  const auto r = ask(server->port(), get("/split"));
  EXPECT_EQ(status_of(r), 200);
  EXPECT_EQ(r.find("\r\nSet-Cookie"), std::string::npos) << r;
}

TEST_F(HttpServerTest, AHandlerThatThrowsIs500WithoutDetails) {
  const auto server = start();
  const auto r = ask(server->port(), get("/boom"));
  EXPECT_EQ(status_of(r), 500);
  EXPECT_EQ(r.find("secret detail"), std::string::npos) << r;
  EXPECT_EQ(status_of(ask(server->port(), get("/after"))), 200) << "still serving";
}

// What makes every endpoint answer nobody when the request threads are the
// connection threads: idle connections, and connections whose request never
// finishes. Here they stay connected (the head deadline is far away) while
// other requests are answered.
TEST_F(HttpServerTest, IdleAndUnfinishedConnectionsDoNotStopOtherRequests) {
  const auto server = start(HttpServerOptions{.header_timeout = std::chrono::seconds(120)});
  std::vector<std::unique_ptr<RawClient>> idle, unfinished;
  // 24 in all: three times the handler threads, within one client's limit.
  for (int i = 0; i < 12; ++i) {
    idle.push_back(std::make_unique<RawClient>(server->port()));
    unfinished.push_back(std::make_unique<RawClient>(server->port()));
    unfinished.back()->send("GET /never HTTP/1.1\r\nHost: t\r\nX-Slow: ");
  }
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(status_of(ask(server->port(), get(i % 2 ? "/healthz" : "/work"))), 200) << i;
  }
  // Answered while they were still there, not after they were cut off.
  for (auto* group : {&idle, &unfinished}) {
    for (auto& c : *group) {
      c->receive(std::chrono::milliseconds(0));
      EXPECT_FALSE(c->closed());
    }
  }
  EXPECT_EQ(handled_.load(), 20);
}

TEST_F(HttpServerTest, AHeadTricklingInIsCutOffAtItsDeadline) {
  const auto server = start(HttpServerOptions{.header_timeout = std::chrono::milliseconds(300)});
  RawClient c(server->port());
  trickle(c, "GET /slow HTTP/1.1\r\nHost: t\r\nX-Slow: ");
  const auto r = c.response();
  ASSERT_TRUE(r) << "cut off without an answer";
  EXPECT_EQ(status_of(*r), 408) << *r;
  EXPECT_TRUE(c.wait_closed(test::kDeadline));
  EXPECT_EQ(server->stats().timed_out, 1u);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, ABodyTricklingInIsCutOffAtItsDeadline) {
  const auto server = start(HttpServerOptions{.body_timeout = std::chrono::milliseconds(300)});
  RawClient c(server->port());
  trickle(c, "POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n");
  EXPECT_EQ(status_of(c.response().value_or("")), 408);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, AnIdleKeepAliveConnectionIsClosed) {
  const auto server = start(HttpServerOptions{.idle_timeout = std::chrono::milliseconds(200)});
  RawClient c(server->port());
  c.send(get("/once"));
  EXPECT_EQ(status_of(c.response().value_or("")), 200);
  EXPECT_TRUE(c.wait_closed(test::kDeadline));
}

// 200 clients at once, their requests held: every one gets an HTTP answer,
// 200 or 503 with Retry-After, none a reset.
TEST_F(HttpServerTest, AFloodOfConnectionsIsAnsweredNotReset) {
  const auto server = start();
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 200; ++i) {
    clients.push_back(std::make_unique<RawClient>(server->port()));
    clients.back()->send(get("/hold"));
  }
  // Every client beyond what is served at once is answered 503 now.
  int busy = 0;
  for (std::size_t i = 32; i < clients.size(); ++i) {
    const auto r = clients[i]->response();
    ASSERT_TRUE(r) << "client " << i << " got no answer";
    EXPECT_EQ(status_of(*r), 503) << *r;
    EXPECT_NE(r->find("Retry-After: 1\r\n"), std::string::npos) << *r;
    EXPECT_NE(r->find("X-Test: 1\r\n"), std::string::npos);
    ++busy;
  }
  ASSERT_TRUE(test::wait_until([&] { return gate_.waiting() == 8; })) << "max_handlers requests in the handler";
  gate_.open();
  for (std::size_t i = 0; i < 32; ++i) {
    const auto r = clients[i]->response();
    ASSERT_TRUE(r) << "client " << i << " got no answer";
    EXPECT_EQ(status_of(*r), 200) << *r;
  }
  EXPECT_EQ(busy, 168);
  const auto s = server->stats();
  EXPECT_EQ(s.refused, 168u);
  EXPECT_EQ(s.dropped, 0u);
}

TEST_F(HttpServerTest, OneClientsConnectionsAreLimitedAndPriorityPathsAreStillServed) {
  const auto server = start(HttpServerOptions{
      .max_connections_per_client = 2, .overflow_connections = 4, .header_timeout = std::chrono::seconds(120)});
  RawClient a(server->port()), b(server->port());  // idle: the client's two connections
  const auto health = ask(server->port(), get("/healthz"));
  EXPECT_EQ(status_of(health), 200) << health;
  const auto other = ask(server->port(), get("/work"));
  EXPECT_EQ(status_of(other), 503) << other;
  EXPECT_NE(other.find("Retry-After: 1\r\n"), std::string::npos);
  EXPECT_EQ(handled_.load(), 1);
}

TEST_F(HttpServerTest, HealthIsAnsweredWhileEveryHandlerIsBusy) {
  const auto server = start(HttpServerOptions{.max_handlers = 1});
  RawClient held(server->port());
  held.send(get("/hold"));
  ASSERT_TRUE(test::wait_until([&] { return gate_.waiting() == 1; }));
  EXPECT_EQ(status_of(ask(server->port(), get("/healthz"))), 200);
  RawClient queued(server->port());
  queued.send(get("/work"));
  gate_.open();
  EXPECT_EQ(status_of(held.response().value_or("")), 200);
  EXPECT_EQ(status_of(queued.response().value_or("")), 200);
}

TEST_F(HttpServerTest, ChunkedBodiesExpectContinueAndTheBodyLimit) {
  const auto server = start(HttpServerOptions{.max_body_bytes = 16});
  auto r = ask(server->port(), "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\n\r\n");
  EXPECT_NE(r.find("[abcdefg]"), std::string::npos) << r;
  {
    RawClient c(server->port());
    c.send("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    const auto go = c.response();
    ASSERT_TRUE(go);
    EXPECT_EQ(go->rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << *go;
    c.send("body");
    EXPECT_NE(c.response().value_or("").find("[body]"), std::string::npos);
  }
  r = ask(server->port(), "POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n" + std::string(17, 'x'));
  EXPECT_EQ(status_of(r), 413) << r;
  r = ask(server->port(), "POST /big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n" +
                              std::string(17, 'x') + "\r\n0\r\n\r\n");
  EXPECT_EQ(status_of(r), 413) << r;
  r = ask(server->port(), "POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 1073741824\r\n\r\n");
  EXPECT_EQ(status_of(r), 413) << "refused before a byte of it is read";
  EXPECT_EQ(handled_.load(), 2);
}

TEST_F(HttpServerTest, StopWakesEveryConnectionAndFreesThePort) {
  auto server = start(HttpServerOptions{.header_timeout = std::chrono::seconds(120)});
  const auto port = server->port();
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 8; ++i) idle.push_back(std::make_unique<RawClient>(port));
  RawClient kept(port);
  kept.send(get("/kept"));
  EXPECT_EQ(status_of(kept.response().value_or("")), 200);
  server.reset();  // returns: nothing waits for the idle ones to time out
  for (auto& c : idle) EXPECT_TRUE(c->wait_closed(test::kDeadline));
  EXPECT_TRUE(kept.wait_closed(test::kDeadline));
  HttpServerOptions again;
  again.port = port;
  const auto next = start(again);
  EXPECT_EQ(next->port(), port);
  EXPECT_EQ(status_of(ask(port, get("/again"))), 200);
}

TEST_F(HttpServerTest, ImpossibleOptionsAndATakenPortAreErrors) {
  EXPECT_THROW(start(HttpServerOptions{.max_connections = 0}), std::invalid_argument);
  EXPECT_THROW(start(HttpServerOptions{.max_handlers = 0}), std::invalid_argument);
  EXPECT_THROW(start(HttpServerOptions{.header_timeout = std::chrono::milliseconds(0)}), std::invalid_argument);
  const auto server = start();
  try {
    start(HttpServerOptions{.port = server->port()});
    ADD_FAILURE() << "a second server on the same port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("test server cannot listen on 127.0.0.1:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace e911::net
