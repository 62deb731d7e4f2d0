// The acknowledgement endpoint over real HTTP on loopback, against a fake
// desk that records what it is asked.

#include "consumers/notifier/ack_server.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/net/tls_context.h"
#include "tests/observability/log_capture.h"
#include "tests/support/http_reply.h"
#include "tests/support/raw_client.h"
#include "tests/support/temp_dir.h"

namespace e911::notifier {
namespace {

// 44 base64url characters, as ack_token() makes them.
const std::string kAckToken = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ_-012345";
const std::string kPath = "/ack/" + kAckToken;
const std::string kForm = "application/x-www-form-urlencoded";

// 2026-11-21T10:15:00Z
constexpr EpochMillis kAckedAt = 1795256100000;
const std::string kAckedAtText = "2026-11-21 10:15:00 UTC";

class FakeDesk : public AckDesk {
 public:
  AckView look_up(std::string_view token) override {
    std::lock_guard lock(mu_);
    look_ups_.emplace_back(token);
    if (fail_) throw std::runtime_error("database is locked at /var/lib/e911/notifier.db");
    return look_up_view_;
  }
  AckView acknowledge(std::string_view token, std::string_view comment) override {
    std::lock_guard lock(mu_);
    acks_.emplace_back(std::string(token), std::string(comment));
    if (fail_) throw std::runtime_error("database is locked at /var/lib/e911/notifier.db");
    return ack_view_;
  }

  void script(AckView look_up_view, AckView ack_view) {
    std::lock_guard lock(mu_);
    look_up_view_ = std::move(look_up_view);
    ack_view_ = std::move(ack_view);
  }
  void fail() {
    std::lock_guard lock(mu_);
    fail_ = true;
  }
  std::vector<std::string> look_ups() const {
    std::lock_guard lock(mu_);
    return look_ups_;
  }
  std::vector<std::pair<std::string, std::string>> acks() const {
    std::lock_guard lock(mu_);
    return acks_;
  }
  std::size_t calls() const {
    std::lock_guard lock(mu_);
    return look_ups_.size() + acks_.size();
  }

 private:
  mutable std::mutex mu_;
  AckView look_up_view_;
  AckView ack_view_;
  bool fail_ = false;
  std::vector<std::string> look_ups_;
  std::vector<std::pair<std::string, std::string>> acks_;
};

AckView view(AckView::Kind kind) {
  AckView v;
  v.kind = kind;
  v.banner = "EMERGENCY CALL";
  v.site = "London HQ";
  v.caller = "John Smith x5001";
  v.location = "Floor 3, Room 301";
  v.call_time = "2026-11-21 10:14:00 GMT (2026-11-21 10:14:00 UTC)";
  v.call_id = "call-42";
  v.recipient = "Jane Doe";
  if (kind == AckView::Kind::acknowledged || kind == AckView::Kind::already_acknowledged) {
    v.acknowledged_by = kind == AckView::Kind::acknowledged ? "Jane Doe" : "Bob <b>Guard</b>";
    v.acknowledged_at = kAckedAt;
  }
  return v;
}

struct Reply {
  int status = 0;
  Poco::Net::NameValueCollection headers;
  std::string body;

  std::string header(const std::string& name) const { return headers.get(name, ""); }
  bool has(const std::string& text) const { return body.find(text) != std::string::npos; }
};

struct Request {
  std::string method = "GET";
  std::string path = kPath;
  std::string body{};
  std::string content_type{};
  bool chunked = false;
  bool send_body = true;          // false: declare the body, send none
  std::int64_t content_length = -1;  // -1: the body's size
};

Reply exchange(Poco::Net::HTTPClientSession& session, const Request& r) {
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest req(r.method, r.path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!r.content_type.empty()) req.setContentType(r.content_type);
  if (r.chunked) {
    req.setChunkedTransferEncoding(true);
  } else if (r.content_length >= 0) {
    req.setContentLength64(r.content_length);
  } else if (!r.body.empty() || r.method == "POST") {
    req.setContentLength64(static_cast<Poco::Int64>(r.body.size()));
  }
  std::ostream& out = session.sendRequest(req);
  if (r.send_body) out << r.body;
  Reply reply;
  e911::test::read_reply(session, reply.status, reply.headers, reply.body);
  return reply;
}

Reply fetch(std::uint16_t port, const Request& r) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  return exchange(session, r);
}

Reply get(std::uint16_t port, const std::string& path = kPath) { return fetch(port, {.path = path}); }

Reply post(std::uint16_t port, const std::string& body, const std::string& path = kPath) {
  return fetch(port, {.method = "POST", .path = path, .body = body, .content_type = kForm});
}

class AckServerTest : public ::testing::Test {
 protected:
  test::LogCapture logs_{LogLevel::info};  // keeps the server's log lines out of the output
  FakeDesk desk_;
  AckServer server_{desk_};
};

TEST_F(AckServerTest, GetShowsTheAlertWithEscapedValuesAndAFormButNeverAcknowledges) {
  AckView open = view(AckView::Kind::open);
  open.caller = "<script>alert(1)</script>";
  open.site = "R&D \"North\"";
  open.location = "<img src=x onerror=alert(2)>";
  open.recipient = "o'brien@example.com";
  desk_.script(open, view(AckView::Kind::acknowledged));

  const Reply r = get(server_.port());
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.has("&lt;script&gt;alert(1)&lt;/script&gt;")) << r.body;
  EXPECT_FALSE(r.has("<script")) << r.body;
  EXPECT_FALSE(r.has("<img")) << r.body;
  EXPECT_TRUE(r.has("&lt;img src=x onerror=alert(2)&gt;"));
  EXPECT_TRUE(r.has("R&amp;D &quot;North&quot;"));
  EXPECT_TRUE(r.has("o&#39;brien@example.com"));
  EXPECT_TRUE(r.has("Sent to"));
  EXPECT_TRUE(r.has("EMERGENCY CALL"));
  EXPECT_TRUE(r.has("#b00020")) << "red banner for an emergency";
  EXPECT_TRUE(r.has("call-42"));
  EXPECT_TRUE(r.has("2026-11-21 10:14:00 GMT"));
  EXPECT_TRUE(r.has("<meta name=\"viewport\""));
  EXPECT_TRUE(r.has("<form method=\"post\"")) << r.body;
  EXPECT_TRUE(r.has("<textarea id=\"comment\" name=\"comment\" maxlength=\"500\""));
  EXPECT_TRUE(r.has(">Acknowledge</button>"));

  EXPECT_EQ(desk_.look_ups(), std::vector<std::string>{kAckToken});
  EXPECT_TRUE(desk_.acks().empty()) << "GET must never acknowledge";

  // Fetching again (a link previewer, then the person) still records nothing.
  EXPECT_EQ(get(server_.port(), kPath + "?utm_source=mail").status, 200);
  EXPECT_EQ(desk_.look_ups().size(), 2u);
  EXPECT_TRUE(desk_.acks().empty());
}

TEST_F(AckServerTest, ATestCallHasABlueBanner) {
  AckView open = view(AckView::Kind::open);
  open.banner = "TEST CALL";
  desk_.script(open, {});
  const Reply r = get(server_.port());
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.has("TEST CALL"));
  EXPECT_TRUE(r.has("#1a5fb4"));
  EXPECT_FALSE(r.has("#b00020"));
}

TEST_F(AckServerTest, PostAcknowledgesWithTheDecodedComment) {
  desk_.script(view(AckView::Kind::open), view(AckView::Kind::acknowledged));
  const Reply r = post(server_.port(), "comment=on+my+way+%26+calling");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.has("Acknowledged. Recorded: Jane Doe at " + kAckedAtText)) << r.body;
  ASSERT_EQ(desk_.acks().size(), 1u);
  EXPECT_EQ(desk_.acks()[0].first, kAckToken);
  EXPECT_EQ(desk_.acks()[0].second, "on my way & calling");
  EXPECT_TRUE(desk_.look_ups().empty());
}

TEST_F(AckServerTest, PostCommentsAreOptionalAndUtf8SurvivesDecoding) {
  desk_.script({}, view(AckView::Kind::acknowledged));
  EXPECT_EQ(post(server_.port(), "").status, 200);
  EXPECT_EQ(post(server_.port(), "other=x").status, 200);
  EXPECT_EQ(post(server_.port(), "comment=").status, 200);
  EXPECT_EQ(post(server_.port(), "x=1&comment=caf%C3%A9+%2B+1%3D2&comment=second").status, 200);
  // A POST with no body and no content type at all (curl -X POST).
  EXPECT_EQ(fetch(server_.port(), {.method = "POST"}).status, 200);
  const auto acks = desk_.acks();
  ASSERT_EQ(acks.size(), 5u);
  EXPECT_EQ(acks[0].second, "");
  EXPECT_EQ(acks[1].second, "");
  EXPECT_EQ(acks[2].second, "");
  EXPECT_EQ(acks[3].second, "caf\xC3\xA9 + 1=2");
  EXPECT_EQ(acks[4].second, "");
}

TEST_F(AckServerTest, TheAcknowledgedPageEscapesTheRecipient) {
  AckView acked = view(AckView::Kind::acknowledged);
  acked.recipient = "<b>Jane</b>";
  desk_.script({}, acked);
  const Reply r = post(server_.port(), "comment=x");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.has("Recorded: &lt;b&gt;Jane&lt;/b&gt; at " + kAckedAtText)) << r.body;
  EXPECT_FALSE(r.has("<b>Jane"));
}

TEST_F(AckServerTest, AlreadyAcknowledgedIs409AndSaysByWhomAndWhen) {
  const AckView already = view(AckView::Kind::already_acknowledged);
  desk_.script(already, already);
  for (const Reply& r : {get(server_.port()), post(server_.port(), "comment=me+too")}) {
    EXPECT_EQ(r.status, 409);
    EXPECT_TRUE(r.has("Already acknowledged by Bob &lt;b&gt;Guard&lt;/b&gt; at " + kAckedAtText)) << r.body;
    EXPECT_FALSE(r.has("<b>Guard")) << r.body;
    EXPECT_FALSE(r.has("<form")) << "nothing left to acknowledge";
  }
  EXPECT_EQ(desk_.look_ups().size(), 1u);
  EXPECT_EQ(desk_.acks().size(), 1u);
}

TEST_F(AckServerTest, ExpiredIs410) {
  const AckView expired = view(AckView::Kind::expired);
  desk_.script(expired, expired);
  for (const Reply& r : {get(server_.port()), post(server_.port(), "comment=late")}) {
    EXPECT_EQ(r.status, 410);
    EXPECT_TRUE(r.has("This acknowledgement link has expired")) << r.body;
    EXPECT_FALSE(r.has("<form"));
  }
}

TEST_F(AckServerTest, InvalidIs404WithoutEchoingTheToken) {
  desk_.script({}, {});  // kind invalid
  for (const Reply& r : {get(server_.port()), post(server_.port(), "comment=x")}) {
    EXPECT_EQ(r.status, 404);
    EXPECT_TRUE(r.has("Not a valid acknowledgement link")) << r.body;
    EXPECT_FALSE(r.has(kAckToken));
    EXPECT_FALSE(r.has("<form"));
  }
  EXPECT_EQ(desk_.calls(), 2u);
}

TEST_F(AckServerTest, MalformedTokensNeverReachTheDesk) {
  desk_.script(view(AckView::Kind::open), view(AckView::Kind::acknowledged));
  const std::vector<std::string> tokens = {
      "",
      kAckToken.substr(1),                    // 43 characters
      kAckToken + "A",                        // 45
      kAckToken.substr(0, 43) + "=",          // base64 padding, not base64url
      kAckToken.substr(0, 43) + "+",          // base64, not base64url
      kAckToken.substr(0, 43) + ".",
      kAckToken.substr(0, 41) + "%41",        // decodes to 42 characters
      kAckToken.substr(0, 43) + "%2F",
      kAckToken.substr(0, 22) + "/" + kAckToken.substr(0, 21),
      kAckToken + "/",
      "<script>" + kAckToken.substr(0, 36),
  };
  for (const auto& token : tokens) {
    for (const Reply& r : {get(server_.port(), "/ack/" + token), post(server_.port(), "comment=x", "/ack/" + token)}) {
      EXPECT_EQ(r.status, 404) << token;
      EXPECT_TRUE(r.has("Not a valid acknowledgement link")) << token;
      EXPECT_FALSE(r.has("<script")) << token;
    }
  }
  EXPECT_EQ(desk_.calls(), 0u);
}

TEST_F(AckServerTest, OversizedBodiesAre413AndNotRecorded) {
  desk_.script({}, view(AckView::Kind::acknowledged));
  const std::string big = "comment=" + std::string(kMaxAckBodyBytes, 'x');
  // With a Content-Length.
  Reply r = post(server_.port(), big);
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(Poco::icompare(r.header("Connection"), std::string("close")) == 0) << r.header("Connection");
  // Chunked, so the size is only known by reading.
  r = fetch(server_.port(),
            {.method = "POST", .body = big + std::string(12000, 'y'), .content_type = kForm, .chunked = true});
  EXPECT_EQ(r.status, 413);
  // Declared far too large: refused before a byte of it is read.
  r = fetch(server_.port(), {.method = "POST", .content_type = kForm, .send_body = false, .content_length = 1 << 30});
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(desk_.acks().empty());

  // Exactly at the limit is fine.
  r = post(server_.port(), "comment=" + std::string(kMaxAckBodyBytes - 8, 'z'));
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(desk_.acks().size(), 1u);
  EXPECT_EQ(desk_.acks()[0].second.size(), kMaxAckBodyBytes - 8);
}

TEST_F(AckServerTest, OtherMethodsOnAckAre405) {
  for (const char* method : {"PUT", "DELETE", "PATCH", "OPTIONS"}) {
    const Reply r = fetch(server_.port(), {.method = method, .body = "comment=x", .content_type = kForm});
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.header("Allow"), "GET, POST") << method;
  }
  // Even with a token the desk would refuse.
  EXPECT_EQ(fetch(server_.port(), {.method = "PUT", .path = "/ack/x"}).status, 405);
  EXPECT_EQ(desk_.calls(), 0u);
}

TEST_F(AckServerTest, OtherPathsAre404) {
  desk_.script(view(AckView::Kind::open), view(AckView::Kind::acknowledged));
  const std::vector<std::string> paths = {"/",        "/ack",         "/ACK/" + kAckToken,   "/acknowledge/" + kAckToken,
                                          "/metrics", "/ack" + kAckToken, "//ack/" + kAckToken,
                                          "/x//ack/" + kAckToken, "/../ack/" + kAckToken, "/x%20y/ack/" + kAckToken,
                                          "/x/./ack/" + kAckToken};
  for (const auto& path : paths) {
    EXPECT_EQ(get(server_.port(), path).status, 404) << path;
    EXPECT_EQ(post(server_.port(), "comment=x", path).status, 404) << path;
    EXPECT_EQ(fetch(server_.port(), {.method = "PUT", .path = path}).status, 404) << path;
  }
  EXPECT_EQ(desk_.calls(), 0u);
}

// With several notifier instances each has its own base URL, and a proxy
// routes the prefix to the instance that sent the alert.
TEST_F(AckServerTest, AnInstancePrefixBeforeAckIsServed) {
  desk_.script(view(AckView::Kind::open), view(AckView::Kind::acknowledged));
  EXPECT_EQ(get(server_.port(), "/e911-notifier-1/ack/" + kAckToken).status, 200);
  EXPECT_EQ(post(server_.port(), "comment=x", "/ack-proxy/e911-notifier-1/ack/" + kAckToken).status, 200);
  EXPECT_EQ(desk_.calls(), 2u);
}

TEST_F(AckServerTest, FormsOfAnotherKindAreRefused) {
  desk_.script({}, view(AckView::Kind::acknowledged));
  Reply r = fetch(server_.port(),
                  {.method = "POST", .body = "{\"comment\":\"x\"}", .content_type = "application/json"});
  EXPECT_EQ(r.status, 415);
  r = post(server_.port(), "comment=50%+off");  // bad percent-encoding
  EXPECT_EQ(r.status, 400);
  // A charset parameter is fine.
  r = fetch(server_.port(), {.method = "POST",
                             .body = "comment=ok",
                             .content_type = "Application/X-WWW-Form-Urlencoded; charset=UTF-8"});
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(desk_.acks().size(), 1u);
  EXPECT_EQ(desk_.acks()[0].second, "ok");
}

TEST_F(AckServerTest, SecurityHeadersOnEveryResponse) {
  desk_.script(view(AckView::Kind::open), view(AckView::Kind::already_acknowledged));
  const std::vector<std::pair<int, Reply>> replies = {
      {200, get(server_.port())},
      {409, post(server_.port(), "comment=x")},
      {404, get(server_.port(), "/ack/short")},
      {404, get(server_.port(), "/")},
      {405, fetch(server_.port(), {.method = "PUT"})},
      {413, post(server_.port(), std::string(kMaxAckBodyBytes + 1, 'x'))},
      {415, fetch(server_.port(), {.method = "POST", .body = "x", .content_type = "text/plain"})},
  };
  for (const auto& [status, r] : replies) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8") << status;
    EXPECT_EQ(r.header("Cache-Control"), "no-store") << status;
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << status;
    EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer") << status;
    EXPECT_EQ(r.header("X-Frame-Options"), "DENY") << status;
    EXPECT_EQ(r.header("Content-Security-Policy"),
              "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
        << status;
    EXPECT_TRUE(r.has("<!DOCTYPE html>")) << status;
    EXPECT_FALSE(r.has("<script")) << status;
  }
}

TEST_F(AckServerTest, ADeskFailureIs500WithoutDetails) {
  desk_.fail();
  for (const Reply& r : {get(server_.port()), post(server_.port(), "comment=x")}) {
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.header("Cache-Control"), "no-store");
    EXPECT_TRUE(r.has("nothing was recorded")) << r.body;
    EXPECT_FALSE(r.has("database")) << r.body;
  }
  // Logged without the token.
  bool logged = false;
  for (const auto& line : logs_.lines()) {
    EXPECT_EQ(line.find(kAckToken), std::string::npos) << line;
    logged = logged || line.find("database is locked") != std::string::npos;
  }
  EXPECT_TRUE(logged);
}

TEST_F(AckServerTest, AKeptAliveSessionLooksThenAcknowledges) {
  desk_.script(view(AckView::Kind::open), view(AckView::Kind::acknowledged));
  Poco::Net::HTTPClientSession session("127.0.0.1", server_.port());
  session.setKeepAlive(true);
  // A refused method with a body first: the body must not be taken for the
  // next request.
  EXPECT_EQ(exchange(session, {.method = "PUT", .body = "comment=x", .content_type = kForm}).status, 405);
  EXPECT_EQ(exchange(session, {}).status, 200);
  EXPECT_EQ(exchange(session, {.method = "POST", .body = "comment=here", .content_type = kForm}).status, 200);
  EXPECT_EQ(exchange(session, {}).status, 200);
  ASSERT_EQ(desk_.acks().size(), 1u);
  EXPECT_EQ(desk_.acks()[0].second, "here");
  EXPECT_EQ(desk_.look_ups().size(), 2u);
}

TEST_F(AckServerTest, SlowClientsDoNotStopThePage) {
  desk_.script(view(AckView::Kind::open), view(AckView::Kind::acknowledged));
  test::SlowClients slow(server_.port(), 24);
  EXPECT_EQ(get(server_.port()).status, 200);
  EXPECT_EQ(post(server_.port(), "comment=on+my+way").status, 200);
  EXPECT_TRUE(slow.all_still_waiting()) << "answered only once the slow clients were cut off";
}

TEST_F(AckServerTest, AnswersHttp11AndNeverEchoesARequestItCannotRead) {
  test::RawClient c(server_.port());
  c.send("GET /ack/<script>" + kAckToken + " FOO/9.9\r\n\r\n");
  const auto r = c.response().value_or("");
  EXPECT_EQ(r.rfind("HTTP/1.1 400", 0), 0u) << r;
  EXPECT_EQ(r.find("<script>"), std::string::npos) << r;
  EXPECT_EQ(r.find(kAckToken), std::string::npos) << r;
  EXPECT_NE(r.find("Content-Security-Policy: "), std::string::npos) << "security headers on the host's answers too";
  EXPECT_EQ(desk_.calls(), 0u);
}

TEST_F(AckServerTest, OptionsAreChecked) {
  EXPECT_THROW(AckServer(desk_, {.max_threads = 0}), std::invalid_argument);
  EXPECT_THROW(AckServer(desk_, {.tls_certificate = "/nonexistent/cert.pem"}), std::invalid_argument);
  EXPECT_THROW(AckServer(desk_, {.tls_private_key = "/nonexistent/key.pem"}), std::invalid_argument);
  EXPECT_THROW(AckServer(desk_, {.tls_certificate = "/nonexistent/cert.pem", .tls_private_key = "/nonexistent/k.pem"}),
               std::runtime_error);
  // The port is taken by the fixture's server.
  EXPECT_THROW(AckServer(desk_, {.port = server_.port()}), std::runtime_error);
  // 192.0.2.1 (TEST-NET-1) is on no interface here.
  EXPECT_THROW(AckServer(desk_, {.bind = "192.0.2.1"}), std::runtime_error);
  EXPECT_FALSE(server_.tls());
  EXPECT_EQ(server_.bind_address(), "127.0.0.1");
}

// ---- HTTPS, with a self-signed certificate made for the test ----

using test::TempDir;


EVP_PKEY* new_key() { return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); }

// A self-signed certificate for `cert_key` in `cert_path`; `file_key` (PEM) in `key_path`.
void write_certificate(EVP_PKEY* cert_key, EVP_PKEY* file_key, const std::string& cert_path,
                       const std::string& key_path) {
  X509* x = X509_new();
  ASSERT_NE(x, nullptr);
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, cert_key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                             0);
  X509_set_issuer_name(x, name);
  ASSERT_GT(X509_sign(x, cert_key, EVP_sha256()), 0);
  FILE* f = std::fopen(cert_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, x);
  std::fclose(f);
  f = std::fopen(key_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, file_key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(x);
}

TEST_F(AckServerTest, ServesHttpsWithTheConfiguredCertificate) {
  TempDir dir;
  const std::string cert = (dir.root() / "cert.pem").string();
  const std::string key = (dir.root() / "key.pem").string();
  EVP_PKEY* k = new_key();
  ASSERT_NE(k, nullptr);
  write_certificate(k, k, cert, key);
  EVP_PKEY_free(k);

  desk_.script(view(AckView::Kind::open), view(AckView::Kind::acknowledged));
  AckServer tls_server(desk_, {.tls_certificate = cert, .tls_private_key = key});
  EXPECT_TRUE(tls_server.tls());
  // Self-signed: this test is about the server speaking TLS, not about trust.
  Poco::Net::HTTPSClientSession session("127.0.0.1", tls_server.port(), net::client_tls_context(false, ""));
  session.setKeepAlive(true);
  Reply r = exchange(session, {});
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.has("<form method=\"post\""));
  r = exchange(session, {.method = "POST", .body = "comment=on+it", .content_type = kForm});
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(desk_.acks().size(), 1u);
  EXPECT_EQ(desk_.acks()[0].second, "on it");
}

TEST_F(AckServerTest, AKeyThatIsNotTheCertificatesIsAnError) {
  TempDir dir;
  const std::string cert = (dir.root() / "cert.pem").string();
  const std::string key = (dir.root() / "key.pem").string();
  EVP_PKEY* k1 = new_key();
  EVP_PKEY* k2 = new_key();
  ASSERT_NE(k1, nullptr);
  ASSERT_NE(k2, nullptr);
  write_certificate(k1, k2, cert, key);
  EVP_PKEY_free(k1);
  EVP_PKEY_free(k2);
  EXPECT_THROW(AckServer(desk_, {.tls_certificate = cert, .tls_private_key = key}), std::runtime_error);
}

TEST_F(AckServerTest, StopsAndFreesThePort) {
  std::uint16_t port = 0;
  {
    AckServer server(desk_);
    port = server.port();
    EXPECT_EQ(get(port, "/").status, 404);
  }
  AckServer again(desk_, {.port = port});
  EXPECT_EQ(again.port(), port);
  EXPECT_EQ(get(port, "/").status, 404);
}

}  // namespace
}  // namespace e911::notifier
