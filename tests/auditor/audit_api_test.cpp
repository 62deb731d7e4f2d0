// The auditors' HTTP API (consumers/auditor/audit_api.h) over real HTTP on
// loopback, against a journal filled through AuditStore::ingest, on SQLite
// and on a real PostgreSQL.

#include "consumers/auditor/api/audit_api.h"

#include <Poco/Data/Session.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "consumers/auditor/api/api_params.h"
#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/registration_record.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/journal/hash_chain.h"
#include "common/net/tls_context.h"
#include "common/text.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/auditor/journal_docs.h"
#include "tests/observability/log_capture.h"
#include "tests/support/http_reply.h"
#include "tests/support/files.h"
#include "tests/support/postgres_server.h"
#include "tests/support/raw_client.h"

namespace e911::auditor::api {
namespace {

using test::Backend;

constexpr EpochMillis kNow = 1795255300000;
constexpr EpochMillis kFirstCall = 1795255200000;  // 2026-11-21T10:00:00Z
constexpr int kCalls = 25;

const std::string kToken = "auditor-token-0123456789abcdefghijklmnopqrstuv";
const std::string kOtherToken = "ci-token-ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210";
const std::string kHostileName = "=HYPERLINK(\"http://evil.example/x\",\"click\"), \"Bob\"\nDROP";

struct Reply {
  int status = 0;
  Poco::Net::NameValueCollection headers;
  std::string body;

  std::string header(const std::string& name) const { return headers.get(name, ""); }
  rapidjson::Document json() const {
    rapidjson::Document d;
    d.Parse(body.c_str(), body.size());
    EXPECT_FALSE(d.HasParseError()) << body;
    return d;
  }
};

struct Request {
  std::string path;
  std::string token = kToken;  // empty: no Authorization header
  std::string method = "GET";
  std::string authorization{};  // set: this header instead of Bearer <token>
  std::string body{};
};

Reply exchange(Poco::Net::HTTPClientSession& session, const Request& r) {
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest req(r.method, r.path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!r.authorization.empty()) {
    req.set("Authorization", r.authorization);
  } else if (!r.token.empty()) {
    req.set("Authorization", "Bearer " + r.token);
  }
  if (!r.body.empty()) req.setContentLength64(static_cast<Poco::Int64>(r.body.size()));
  std::ostream& out = session.sendRequest(req);
  out << r.body;
  Reply reply;
  e911::test::read_reply(session, reply.status, reply.headers, reply.body);
  return reply;
}

std::string str(const rapidjson::Value& v, const char* member) {
  if (!v.IsObject() || !v.HasMember(member) || !v[member].IsString()) return "<not a string>";
  return v[member].GetString();
}

std::string call_id_of(int i) { return "c-" + std::string(i < 10 ? "0" : "") + std::to_string(i); }

class AuditApiTest : public test::StoreTest {
 protected:
  void SetUpStore() override {
    store_ = open_audit_store(url_);
    fill_journal();
    write_tokens(token_line("auditor", kToken));
    tokens_ = std::make_unique<net::ApiTokenFile>(tokens_path_);
    server_ = start({});
  }

  // 25 calls, three to a second (so pages split calls of the same
  // millisecond), every fifth a test call, sites alternating; the even
  // ones with an alert sent. Then one with a hostile caller name.
  void fill_journal() {
    std::vector<EntryDraft> drafts;
    for (int i = 0; i < kCalls; ++i) {
      test::CallDoc d;
      d.call_id = call_id_of(i);
      d.call_class = i % 5 == 0 ? "test" : "emergency";
      d.occurred_at = kFirstCall + (i / 3) * 1000;
      d.site_id = i % 2 ? "london-hq" : "austin-hq";
      d.extension = std::to_string(4000 + i);
      add_call(drafts, d, i);
      if (i % 2 == 0) {
        test::NotificationDoc n;
        n.call_id = d.call_id;
        n.notification_id = d.call_id + "/austin-security/0/sms";
        n.call_occurred_at = d.occurred_at;
        auto a = draft_for_notification(test::notification_json(n), {"e911.notifications", 0, i}, kNow);
        ASSERT_TRUE(a) << a.error().message;
        drafts.push_back(*a);
      }
    }
    test::CallDoc hostile;
    hostile.call_id = "c-hostile";
    hostile.caller_name = kHostileName;
    hostile.occurred_at = kFirstCall + 3'600'000;
    hostile.site_id = "paris-hq";
    add_call(drafts, hostile, 100);
    store_->ingest(drafts, {}, signer_);
  }
  void add_call(std::vector<EntryDraft>& drafts, const test::CallDoc& d, std::int64_t offset) {
    auto r = drafts_for_emergency_call(test::emergency_call_json(d), {"e911.emergency-calls", 0, offset}, kNow);
    ASSERT_TRUE(r) << r.error().message;
    drafts.insert(drafts.end(), r->begin(), r->end());
  }

  static std::string token_line(const std::string& name, const std::string& token) {
    return name + " " + sha256_hex(token) + "\n";
  }
  // Atomically, as the documentation asks.
  void write_tokens(const std::string& content) {
    std::filesystem::rename(dir_.write("tokens.tmp", content), tokens_path_);
  }

  std::unique_ptr<AuditApiServer> start(AuditApiOptions options, Keyring keyring) {
    return std::make_unique<AuditApiServer>(*store_, *tokens_, std::move(keyring), metrics_, std::move(options));
  }
  std::unique_ptr<AuditApiServer> start(AuditApiOptions options) {
    return start(std::move(options), test::keyring_of(signer_));
  }

  Reply get(const std::string& path, const std::string& token = kToken) {
    return fetch({.path = path, .token = token});
  }
  Reply fetch(const Request& r) {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    return exchange(session, r);
  }

  // What the tables hold, to show that nothing a request sends changes them.
  std::string table_counts() {
    std::string out;
    store_->with_connection("test", [&](Poco::Data::Session& s) {
      for (const char* table : {"audit_entries", "audit_calls", "audit_alerts"}) {
        Poco::Int64 n = 0;
        s << std::string("SELECT COUNT(*) FROM ") + table, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
        out += std::string(table) + "=" + std::to_string(n) + " ";
      }
    });
    return out;
  }

  double metric(const std::string& series) {
    const std::string text = metrics_.scrape_text();
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return 0;
    return std::strtod(text.c_str() + at + series.size() + 2, nullptr);
  }

  e911::test::LogCapture logs_{LogLevel::info};
  std::string tokens_path_ = dir_.file("tokens");
  Signer signer_ = test::signer(SigningAlgorithm::hs256, "k-api");
  std::unique_ptr<AuditStore> store_;
  std::unique_ptr<net::ApiTokenFile> tokens_;
  observability::MetricsRegistry metrics_;
  std::unique_ptr<AuditApiServer> server_;  // last: stopped first
};

TEST_P(AuditApiTest, HealthNeedsNoToken) {
  const Reply r = get("/healthz", "");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json(), "status"), "ok");
  EXPECT_EQ(fetch({.path = "/healthz", .token = "", .method = "POST"}).status, 405);
  EXPECT_EQ(get("/healthz?x=1", "").status, 200) << "parameters are not looked at on /healthz";
}

TEST_P(AuditApiTest, NoTokenOrAWrongTokenIs401AndCounted) {
  const std::string before = table_counts();
  Reply r = get("/v1/calls", "");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer realm=\"e911-audit\"");
  EXPECT_NE(str(r.json(), "error").find("bearer token is required"), std::string::npos) << r.body;
  EXPECT_FALSE(r.json().HasMember("calls"));

  r = get("/v1/calls", kOtherToken);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.header("WWW-Authenticate").find("error=\"invalid_token\""), std::string::npos);
  EXPECT_EQ(fetch({.path = "/v1/verify", .authorization = "Basic YXVkaXRvcjpwYXNz"}).status, 401);
  EXPECT_EQ(get("/v1/calls/c-01", sha256_hex(kToken)).status, 401) << "the hash is not the token";
  EXPECT_EQ(get("/v1/nothing", "").status, 401) << "paths are not revealed without a token";
  EXPECT_EQ(fetch({.path = "/v1/calls", .token = "", .method = "DELETE"}).status, 401);

  EXPECT_EQ(metric("e911_audit_api_unauthorized_total"), 6);
  EXPECT_EQ(metric("e911_audit_api_requests_total{endpoint=\"calls\",status=\"401\"}"), 3);
  EXPECT_EQ(get("/v1/calls").status, 200);
  EXPECT_EQ(metric("e911_audit_api_unauthorized_total"), 6);
  EXPECT_EQ(metric("e911_audit_api_requests_total{endpoint=\"calls\",status=\"200\"}"), 1);
  EXPECT_EQ(table_counts(), before);

  // The name of the token may be logged; no token ever is.
  bool named = false;
  for (const auto& line : logs_.lines()) {
    EXPECT_EQ(line.find(kToken), std::string::npos) << line;
    EXPECT_EQ(line.find(kOtherToken), std::string::npos) << line;
    if (line.find("\"client\":\"auditor\"") != std::string::npos) named = true;
  }
  EXPECT_TRUE(named);
}

TEST_P(AuditApiTest, EachBadParameterIs400NamingIt) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/v1/calls?from=yesterday", "from"},
      {"/v1/calls?to=2026-13-01", "to"},
      {"/v1/calls?from=2026-11-22&to=2026-11-21", "to"},
      {"/v1/calls?site=a&site=b", "site"},
      {"/v1/calls?caller=", "caller"},
      {"/v1/calls?caller=%00", "caller"},
      {"/v1/calls?caller=" + std::string(kMaxValueBytes + 1, 'x'), "caller"},
      {"/v1/calls?class=all", "class"},
      {"/v1/calls?dispatchable=maybe", "dispatchable"},
      {"/v1/calls?notified=2", "notified"},
      {"/v1/calls?limit=0", "limit"},
      {"/v1/calls?limit=1001", "limit"},
      {"/v1/calls?cursor=not-a-cursor", "cursor"},
      {"/v1/calls?format=xml", "format"},
      {"/v1/calls?order=desc", "order"},
      {"/v1/report?caller=x", "caller"},
      {"/v1/report?from=2026-11-21T10:00:00", "from"},
      {"/v1/report?format=pdf", "format"},
      {"/v1/verify?fresh=1", "fresh"},
      {"/v1/calls/c-01?format=csv", "format"},
      {"/v1/registrations?since=yesterday", "since"},
      {"/v1/registrations?until=2026-11-21T10:00:00", "until"},
      {"/v1/registrations?since=2026-11-22&until=2026-11-21", "until"},
      {"/v1/registrations?user_id=a&user_id=b", "user_id"},
      {"/v1/registrations?user_id=%01", "user_id"},
      {"/v1/registrations?limit=1001", "limit"},
      {"/v1/registrations?cursor=not-a-cursor", "cursor"},
      {"/v1/registrations?format=xml", "format"},
      {"/v1/registrations?site=austin-hq", "site"},
      {"/v1/calls/c-%zz", "call_id"},
  };
  for (const auto& [path, parameter] : cases) {
    const Reply r = get(path);
    EXPECT_EQ(r.status, 400) << path << "\n" << r.body;
    EXPECT_EQ(str(r.json(), "parameter"), parameter) << path << "\n" << r.body;
    EXPECT_NE(str(r.json(), "error"), "<not a string>") << path;
  }
  const Reply long_target = get("/v1/calls?caller=" + std::string(kMaxRequestTargetBytes, 'x'));
  EXPECT_EQ(long_target.status, 414);
}

TEST_P(AuditApiTest, GetOnlyAndNoBody) {
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"}) {
    const Reply r = fetch({.path = "/v1/calls", .method = method});
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.header("Allow"), "GET") << method;
  }
  const Reply r = fetch({.path = "/v1/calls", .body = "{\"site\":\"x\"}"});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(get("/v1/unknown").status, 404);
  EXPECT_EQ(get("/v1/calls/no-such-call").status, 404);
}

TEST_P(AuditApiTest, SlowClientsDoNotStopTheApiOrItsHealth) {
  e911::test::SlowClients slow(server_->port(), 24);
  EXPECT_EQ(get("/v1/calls").status, 200);
  EXPECT_EQ(get("/healthz", "").status, 200);
  EXPECT_TRUE(slow.all_still_waiting()) << "answered only once the slow clients were cut off";
}

TEST_P(AuditApiTest, ABadParameterIsNeverEchoedAsInvalidUtf8) {
  const Reply r = get("/v1/calls?caller=%ff%fe");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(is_valid_utf8(r.body)) << r.body;
  EXPECT_EQ(r.body.find('\xff'), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\\\\xff\\\\xfe"), std::string::npos) << "shown escaped: " << r.body;
}

TEST_P(AuditApiTest, AnswersHttp11ToARequestLineItCannotRead) {
  e911::test::RawClient c(server_->port());
  c.send("GET /v1/calls FOO/9.9\r\n\r\n");
  const auto reply = c.response().value_or("");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_NE(reply.find("application/json"), std::string::npos) << reply;
  e911::test::RawClient negative(server_->port());
  negative.send("GET /v1/calls HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n");
  EXPECT_EQ(e911::test::status_of(negative.response().value_or("")), 400);
}

TEST_P(AuditApiTest, ResponsesAreNeverCachedNorSniffed) {
  for (const Reply& r : {get("/v1/calls"), get("/v1/calls", ""), get("/v1/calls?limit=x"), get("/healthz")}) {
    EXPECT_EQ(r.header("Cache-Control"), "no-store") << r.status;
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << r.status;
    EXPECT_EQ(r.header("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
    EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(r.header("Strict-Transport-Security"), "") << "plain HTTP";
  }
}

TEST_P(AuditApiTest, PagesCoverEveryCallOnceInOrder) {
  std::vector<std::string> seen;
  std::string path = "/v1/calls?limit=4&to=2026-11-21T10:30:00Z";
  int pages = 0;
  while (!path.empty()) {
    ASSERT_LT(++pages, 20) << "pagination does not end";
    const Reply r = get(path);
    ASSERT_EQ(r.status, 200) << path << "\n" << r.body;
    const auto doc = r.json();
    ASSERT_TRUE(doc["calls"].IsArray());
    EXPECT_LE(doc["calls"].Size(), 4u);
    for (const auto& c : doc["calls"].GetArray()) seen.push_back(str(c, "call_id"));
    if (doc["next"].IsNull()) {
      EXPECT_TRUE(doc["next_cursor"].IsNull());
      EXPECT_EQ(r.header("Link"), "");
      path.clear();
    } else {
      path = doc["next"].GetString();
      EXPECT_EQ(r.header("Link"), "<" + path + ">; rel=\"next\"");
      EXPECT_NE(path.find("cursor=" + percent_encode(doc["next_cursor"].GetString())), std::string::npos);
      EXPECT_NE(path.find("to=2026-11-21T10%3A30%3A00Z"), std::string::npos) << "the filters stay on the link";
    }
  }
  std::vector<std::string> expected;
  for (int i = 0; i < kCalls; ++i) expected.push_back(call_id_of(i));
  EXPECT_EQ(seen, expected);

  // Filtered: the test calls, two to a page.
  seen.clear();
  path = "/v1/calls?class=test&limit=2";
  while (!path.empty()) {
    const Reply r = get(path);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto doc = r.json();
    for (const auto& c : doc["calls"].GetArray()) seen.push_back(str(c, "call_id"));
    path = doc["next"].IsNull() ? "" : doc["next"].GetString();
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"c-00", "c-05", "c-10", "c-15", "c-20"}));
}

TEST_P(AuditApiTest, FiltersAnswerWhatTheQueryAnswers) {
  auto ids = [&](const std::string& path) {
    std::vector<std::string> out;
    const Reply r = get(path);
    EXPECT_EQ(r.status, 200) << path << "\n" << r.body;
    const auto doc = r.json();
    if (doc.HasMember("calls")) {
      for (const auto& c : doc["calls"].GetArray()) out.push_back(str(c, "call_id"));
    }
    return out;
  };
  EXPECT_EQ(ids("/v1/calls?site=paris-hq"), std::vector<std::string>{"c-hostile"});
  EXPECT_EQ(ids("/v1/calls?caller=4007"), std::vector<std::string>{"c-07"});
  EXPECT_EQ(ids("/v1/calls?caller=hyperlink").size(), 1u) << "a part of the name, any case";
  EXPECT_EQ(ids("/v1/calls?from=2026-11-21T10:00:08Z&to=2026-11-21T10:00:09Z"),
            (std::vector<std::string>{"c-24"}));
  EXPECT_EQ(ids("/v1/calls?notified=true&site=london-hq").size(), 0u) << "only even (austin) calls have alerts";
  EXPECT_EQ(ids("/v1/calls?notified=true&class=emergency").size(), 10u);
}

TEST_P(AuditApiTest, SqlInjectionInAnyParameterChangesNothingAndMatchesNothing) {
  const std::string before = table_counts();
  const std::vector<std::string> attacks = {
      "x' OR '1'='1", "x'; DROP TABLE audit_calls; --", "x\" OR \"\"=\"", "%' OR 1=1 --", "x') UNION SELECT * FROM audit_entries --",
      "1; DELETE FROM audit_alerts", "_", "%"};
  for (const auto& attack : attacks) {
    const std::string v = percent_encode(attack);
    for (const char* p : {"site", "caller"}) {
      const Reply r = get("/v1/calls?" + std::string(p) + "=" + v);
      EXPECT_EQ(r.status, 200) << p << "=" << attack << "\n" << r.body;
      EXPECT_EQ(r.json()["calls"].Size(), 0u) << p << "=" << attack << " matched rows";
    }
    for (const char* p : {"from", "to", "class", "dispatchable", "notified", "limit", "cursor", "format"}) {
      const Reply r = get("/v1/calls?" + std::string(p) + "=" + v);
      EXPECT_EQ(r.status, 400) << p << "=" << attack << "\n" << r.body;
      EXPECT_EQ(str(r.json(), "parameter"), p);
    }
    const Reply report = get("/v1/report?site=" + v);
    EXPECT_EQ(report.status, 200) << report.body;
    EXPECT_EQ(report.json()["overall"]["emergency_calls"].GetInt(), 0) << attack;
    EXPECT_EQ(get("/v1/calls/" + v).status, 404) << attack;
    EXPECT_EQ(get("/v1/calls/c-01" + v).status, 404) << attack;
  }
  EXPECT_EQ(table_counts(), before);
  EXPECT_EQ(get("/v1/calls?limit=1000").json()["calls"].Size(), static_cast<unsigned>(kCalls + 1));
  const Reply v = get("/v1/verify");
  EXPECT_TRUE(v.json()["ok"].GetBool()) << v.body;
}

TEST_P(AuditApiTest, CsvEscapesHostileCallerNames) {
  const Reply r = get("/v1/calls?site=paris-hq&format=csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "text/csv; charset=utf-8; header=present");
  EXPECT_EQ(r.header("Content-Disposition"), "attachment; filename=\"calls.csv\"");
  // Quoted (comma, quotes, line break), quotes doubled, and the formula
  // neutralised by a leading apostrophe.
  EXPECT_NE(r.body.find(",\"'=HYPERLINK(\"\"http://evil.example/x\"\",\"\"click\"\"), \"\"Bob\"\"\nDROP\","),
            std::string::npos)
      << r.body;
  EXPECT_EQ(r.body.find(",=HYPERLINK"), std::string::npos);
  EXPECT_EQ(r.body.find("call_id"), 0u) << "a header line first";
  EXPECT_EQ(r.body.find("c-hostile"), r.body.find("\r\n") + 2) << r.body;

  // Paged CSV: the cursor in the headers.
  const Reply page = get("/v1/calls?format=csv&limit=3");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.header("X-Next-Cursor"), "");
  EXPECT_NE(page.header("Link").find("format=csv"), std::string::npos);

  // JSON keeps the name as it is.
  const Reply json = get("/v1/calls?site=paris-hq");
  const auto doc = json.json();
  ASSERT_EQ(doc["calls"].Size(), 1u) << json.body;
  EXPECT_EQ(str(doc["calls"][0]["caller"], "name"), kHostileName) << json.body;
}

// GET /v1/registrations: each user's last registration (or withdrawal), a
// user's history, a time range, pages, CSV; values are data.
TEST_P(AuditApiTest, RegistrationsSayWhenEachUserLastConfirmed) {
  const auto registration = [&](const std::string& user, const std::string& event_id, const std::string& at,
                                std::int64_t offset) {
    const std::string record = R"({"schema":"e911.location-update/v1","event_id":")" + event_id +
                               R"(","occurred_at":")" + at + R"(","user_id":")" + user +
                               R"(","source":"user","validated":false,"address":{"country":"US","city":"Austin",)"
                               R"x("street":"Example Ave","house_number":"500","name":"=cmd()"}})x";
    auto d = draft_for_location_update(record, {"e911.location-updates", 0, offset}, kNow);
    if (!d) throw std::runtime_error(d.error().message);
    return *d;
  };
  auto withdrawal = draft_for_withdrawal(std::string("u-02"), {"e911.location-updates", 1, 9}, kNow, kNow);
  ASSERT_TRUE(withdrawal);
  store_->ingest({registration("u-00", "lu-0", "2026-11-20T08:00:00Z", 0),
                  registration("u-01", "lu-1", "2026-11-20T09:00:00Z", 1),
                  registration("u-02", "lu-2", "2026-11-20T10:00:00Z", 2),
                  registration("u-00", "lu-3", "2026-11-21T08:00:00Z", 3), *withdrawal},
                 {}, signer_);
  const auto users = [&](const Reply& r) {
    std::vector<std::string> out;
    const auto doc = r.json();
    for (const auto& row : doc["registrations"].GetArray()) out.push_back(str(row, "user_id") + " " + str(row, "status"));
    return out;
  };

  Reply r = get("/v1/registrations");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(users(r), (std::vector<std::string>{"u-00 registered", "u-01 registered", "u-02 withdrawn"}));
  auto doc = r.json();
  EXPECT_EQ(str(doc["registrations"][0], "at"), "2026-11-21T08:00:00.000Z");
  EXPECT_FALSE(doc["registrations"][0]["validated"].GetBool());
  EXPECT_TRUE(doc["next"].IsNull());
  EXPECT_EQ(users(get("/v1/registrations?user_id=u-00")),
            (std::vector<std::string>{"u-00 registered", "u-00 registered"}));
  EXPECT_EQ(users(get("/v1/registrations?until=2026-11-20T09:30:00Z")),
            (std::vector<std::string>{"u-00 registered", "u-01 registered"}));
  EXPECT_EQ(users(get("/v1/registrations?since=2026-11-21")),
            (std::vector<std::string>{"u-00 registered", "u-02 withdrawn"}));

  // Pages of one, the filters kept on the links.
  std::vector<std::string> seen;
  std::string path = "/v1/registrations?limit=1&since=2026-11-20";
  for (int pages = 0; !path.empty(); ++pages) {
    ASSERT_LT(pages, 10) << "pagination does not end";
    r = get(path);
    ASSERT_EQ(r.status, 200) << path << "\n" << r.body;
    for (const auto& u : users(r)) seen.push_back(u);
    doc = r.json();
    path = doc["next"].IsNull() ? "" : doc["next"].GetString();
    if (!path.empty()) {
      EXPECT_TRUE(path.starts_with("/v1/registrations?")) << path;
      EXPECT_NE(path.find("since=2026-11-20"), std::string::npos) << path;
      EXPECT_EQ(r.header("Link"), "<" + path + ">; rel=\"next\"");
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"u-00 registered", "u-01 registered", "u-02 withdrawn"}));

  r = get("/v1/registrations?format=csv&limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Disposition"), "attachment; filename=\"registrations.csv\"");
  EXPECT_NE(r.header("X-Next-Cursor"), "");
  EXPECT_TRUE(r.body.starts_with("user_id,status,at,")) << r.body;
  EXPECT_NE(r.body.find(",\"'=cmd(), 500 Example Ave, Austin, US\","), std::string::npos) << r.body;

  // Values are data.
  const std::string before = table_counts();
  for (const std::string attack : {"x' OR '1'='1", "u-00'; DROP TABLE audit_registrations; --", "%"}) {
    r = get("/v1/registrations?user_id=" + percent_encode(attack));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(users(r).empty()) << attack;
  }
  EXPECT_EQ(table_counts(), before);
  EXPECT_EQ(get("/v1/registrations", "").status, 401);
  EXPECT_EQ(metric("e911_audit_api_requests_total{endpoint=\"registrations\",status=\"200\"}"), 11);
  EXPECT_TRUE(get("/v1/verify").json()["ok"].GetBool());
}

TEST_P(AuditApiTest, OneCallWithItsAlertsAndTimeline) {
  const Reply r = get("/v1/calls/c-02");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_EQ(str(doc["call"], "call_id"), "c-02");
  ASSERT_TRUE(doc["alerts"].IsArray());
  EXPECT_EQ(doc["alerts"].Size(), 1u);
  ASSERT_TRUE(doc["entries"].IsArray());
  ASSERT_EQ(doc["entries"].Size(), 3u) << "call.recorded, location.conveyed, notification";
  EXPECT_EQ(str(doc["entries"][0], "kind"), "call.recorded");
  EXPECT_TRUE(doc["entries"][0]["payload"].IsObject());

  const Reply odd = get("/v1/calls/c-01");
  ASSERT_EQ(odd.status, 200);
  EXPECT_EQ(odd.json()["alerts"].Size(), 0u);
  const Reply missing = get("/v1/calls/c-99");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(str(missing.json(), "error"), "<not a string>");
}

TEST_P(AuditApiTest, ComplianceReportAsJsonAndCsv) {
  Reply r = get("/v1/report?from=2026-11-21&to=2026-11-21");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = r.json();
  EXPECT_EQ(doc["overall"]["emergency_calls"].GetInt(), 21) << r.body;
  EXPECT_EQ(doc["overall"]["test_calls"].GetInt(), 5);
  r = get("/v1/report?site=austin-hq&format=csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "text/csv; charset=utf-8; header=present");
  EXPECT_NE(r.body.find("overall"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("austin-hq"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("london-hq"), std::string::npos) << r.body;
}

TEST_P(AuditApiTest, VerifyReportsTheChainAndCachesIt) {
  Reply r = get("/v1/verify");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = r.json();
  EXPECT_TRUE(doc["ok"].GetBool()) << r.body;
  EXPECT_EQ(doc["entries"].GetInt64(), store_->count());
  EXPECT_EQ(doc["last_seq"].GetInt64(), store_->count());
  EXPECT_EQ(str(doc, "last_hash"), store_->last_entry()->hash);
  EXPECT_TRUE(doc["first_bad_seq"].IsNull());
  EXPECT_FALSE(doc["cached"].GetBool());
  // The default cache (a minute) serves the second request.
  EXPECT_TRUE(get("/v1/verify").json()["cached"].GetBool());

  // A keyring without the journal's key: the first entry fails, named.
  Keyring other = test::keyring_of(test::signer(SigningAlgorithm::hs256, "k-other", 1));
  server_ = start({.verify_cache = std::chrono::seconds(0)}, other);
  r = get("/v1/verify");
  ASSERT_EQ(r.status, 200) << r.body;
  doc = r.json();
  EXPECT_FALSE(doc["ok"].GetBool());
  EXPECT_EQ(doc["first_bad_seq"].GetInt64(), 1);
  EXPECT_NE(str(doc, "reason").find("unknown key id k-api"), std::string::npos) << r.body;
  EXPECT_FALSE(get("/v1/verify").json()["cached"].GetBool()) << "verify_cache 0: every request verifies";
}

TEST_P(AuditApiTest, ATokenFileChangeTakesEffectOnTheNextRequest) {
  EXPECT_EQ(get("/v1/calls?limit=1", kOtherToken).status, 401);
  write_tokens(token_line("ci", kOtherToken));
  EXPECT_EQ(get("/v1/calls?limit=1", kOtherToken).status, 200);
  EXPECT_EQ(get("/v1/calls?limit=1", kToken).status, 401) << "revoked";
  write_tokens("ci " + kOtherToken + "\n");  // a token pasted instead of its hash
  EXPECT_EQ(get("/v1/calls?limit=1", kOtherToken).status, 503) << "fails closed";
  write_tokens(token_line("ci", kOtherToken));
  EXPECT_EQ(get("/v1/calls?limit=1", kOtherToken).status, 200);
}

TEST_P(AuditApiTest, ServesHttpsWithTheConfiguredCertificate) {
  const std::string cert = dir_.file("api.crt");
  const std::string key = dir_.file("api.key");
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
                          "-subj /CN=e911-audit-test -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost' -keyout '" +
                          key + "' -out '" + cert + "' 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  server_ = start({.listen = {.tls_certificate = cert, .tls_private_key = key}});
  EXPECT_TRUE(server_->tls());
  // The certificate verified against the test CA (itself), host name and all.
  Poco::Net::HTTPSClientSession session("127.0.0.1", server_->port(), net::client_tls_context(true, cert));
  session.setKeepAlive(true);
  Reply r = exchange(session, {.path = "/v1/calls?limit=2"});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["calls"].Size(), 2u);
  EXPECT_EQ(r.header("Strict-Transport-Security"), "max-age=31536000");
  r = exchange(session, {.path = "/v1/calls", .token = ""});
  EXPECT_EQ(r.status, 401);

  // Only one of the two files, or a key that is not the certificate's.
  EXPECT_THROW(start({.listen = {.tls_certificate = cert}}), std::invalid_argument);
  const std::string other_key = dir_.file("other.key");
  ASSERT_EQ(std::system(("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out '" + other_key +
                         "' 2>/dev/null")
                            .c_str()),
            0);
  EXPECT_THROW(start({.listen = {.tls_certificate = cert, .tls_private_key = other_key}}), std::runtime_error);
}

// ---- the command ----

TEST(AuditServeCommand, HashTokenReadsTheTokenFromStandardInput) {
  test::TempDir dir;
  const auto token_file = dir.write("token", kToken + "\n");
  auto r = e911::test::run_e911("audit serve --hash-token", token_file);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, sha256_hex(kToken) + "\n");
  EXPECT_TRUE(net::parse_api_tokens("me " + r.out, "t")) << "the output makes a tokens line";

  r = e911::test::run_e911("audit serve --hash-token", dir.write("short", "secret\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("at least 32"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");

  r = e911::test::run_e911("audit serve " + kToken);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("standard input"), std::string::npos) << r.err;
}

TEST(AuditServeCommand, RefusesToStartWithoutTokensOrJournal) {
  test::TempDir dir;
  const auto secret = dir.write("secret", test::secret());
  auto config = dir.write("e911.yaml", "auditor:\n  store: sqlite:" + dir.file("audit.db") +
                                           "\n  signing:\n    secret.file: " + secret + "\n");
  auto r = e911::test::run_e911("audit serve --config " + config);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("auditor.api.tokens.file is not set"), std::string::npos) << r.err;

  const auto tokens = dir.write("tokens", "me " + sha256_hex(kToken) + "\n");
  config = dir.write("e911.yaml", "auditor:\n  store: sqlite:" + dir.file("audit.db") + "\n  signing:\n    secret.file: " +
                                      secret + "\n  api:\n    tokens.file: " + tokens + "\n");
  r = e911::test::run_e911("audit serve --config " + config + " --listen 127.0.0.1:0 --metrics-port 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no audit journal at"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("audit.db"))) << "a read-only command creates no journal";

  r = e911::test::run_e911("audit serve --config " + config + " --listen nowhere");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(AuditServeCommand, RefusesToStartWithAPeopleFileThatIsNotUsable) {
  test::TempDir dir;
  const auto secret = dir.write("secret", test::secret());
  open_audit_store("sqlite:" + dir.file("audit.db"));  // an empty journal
  const auto tokens = dir.write("tokens", "me " + sha256_hex(kToken) + "\n");
  const auto people = dir.write("people", "me admin\n");
  const auto config = dir.write("e911.yaml", "auditor:\n  store: sqlite:" + dir.file("audit.db") +
                                                 "\n  signing:\n    secret.file: " + secret +
                                                 "\n  api:\n    tokens.file: " + tokens +
                                                 "\n  console:\n    people.file: " + people + "\n");
  const auto r = e911::test::run_e911("audit serve --config " + config + " --listen 127.0.0.1:0 --metrics-port 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("e911 audit serve: auditor.console.people.file: " + people + ":1: unknown role \"admin\""),
            std::string::npos)
      << r.err;
}

INSTANTIATE_TEST_SUITE_P(Stores, AuditApiTest, test::kBothStores, test::backend_name);

}  // namespace
}  // namespace e911::auditor::api
