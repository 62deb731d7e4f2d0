// The audit console's router (consumers/auditor/console/console_service.h)
// as a handler, against a real SQLite journal filled the way the consumer
// fills it: sign-in, sessions, roles, CSRF, the SSO header, and hostile
// parameters; then a few of the same over real HTTP on loopback, beside
// the API (audit_api.h), whose own rules stay as they were.

#include "consumers/auditor/console/console_service.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Path.h>
#include <Poco/Zip/Decompress.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/encoding.h"
#include "common/pidf_lo.h"
#include "common/sha256.h"
#include "consumers/auditor/api/audit_api.h"
#include "consumers/auditor/console/csrf_token.h"
#include "consumers/auditor/console/session_cookie.h"
#include "consumers/auditor/export/audit_bundle.h"
#include "consumers/auditor/export/log_event_signer.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/query/call_rendering.h"
#include "tests/auditor/call_journal.h"
#include "tests/support/http_reply.h"
#include "tests/support/postgres_server.h"  // run_command

namespace e911::auditor::console {
namespace {

using net::HttpRequest;
using net::HttpResponse;

const std::string kAliceToken = "alice-token-0123456789abcdefghijklmnopqrstuvwxyz";
const std::string kBobToken = "bob-token-0123456789abcdefghijklmnopqrstuvwxyzAB";
const std::string kCarolToken = "carol-token-0123456789abcdefghijklmnopqrstuvwxyz";  // valid, not in the people file
const std::string kKey = "console-service-test-key-0123456789abcdef";
const std::string kProxy = "10.9.0.1";
const std::string kHeader = "X-Forwarded-User";
constexpr EpochMillis kStart = 1795300000000;
const std::string kPeople =
    "alice auditor\nbob site-lead austin-hq\nsso.user@example.org auditor\nlead@example.org site-lead london-hq\n";

std::string cookie_of(const HttpResponse& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == "Set-Cookie" && h.value.starts_with(std::string(name) + "=")) {
      return h.value.substr(name.size() + 1, h.value.find(';') - name.size() - 1);
    }
  }
  return "<none>";
}

std::string set_cookie_line(const HttpResponse& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == "Set-Cookie" && h.value.starts_with(std::string(name) + "=")) return h.value;
  }
  return "";
}

std::string csrf_in(const std::string& html) {
  std::smatch m;
  static const std::regex field("name=\"csrf\" value=\"([^\"]*)\"");
  return std::regex_search(html, m, field) ? m[1].str() : "<none>";
}

class ConsoleServiceTest : public ::testing::Test {
 protected:
  // The journal's store: SQLite here, PostgreSQL in ConsoleServicePostgresTest.
  virtual std::string store_url() { return "sqlite:" + dir_.path("audit.db"); }

  void SetUp() override {
    store_ = open_audit_store(store_url());
    fill();
    tokens_path_ = dir_.write("tokens", "alice " + sha256_hex(kAliceToken) + "\nbob " + sha256_hex(kBobToken) +
                                            "\ncarol " + sha256_hex(kCarolToken) + "\n");
    tokens_ = std::make_unique<net::ApiTokenFile>(tokens_path_);
    replace_people(kPeople);
    people_ = std::make_unique<PeopleFile>(people_path_);
    keyring_ = test::keyring_of(signer_);
    service_ = make_service(metrics_);
  }

  std::unique_ptr<ConsoleService> make_service(observability::MetricsRegistry metrics, ClaimsSigner i3_signer = {}) {
    ConsoleOptions options;
    options.i3_signer = std::move(i3_signer);
    options.organisation = "Example Corp";
    options.cookie_key = kKey;
    options.identity_header = kHeader;
    options.trusted_proxies = {*IpPrefix::parse(kProxy)};
    options.clock = [this] { return now_; };
    return std::make_unique<ConsoleService>(
        *store_, *tokens_, *people_, keyring_,
        [this](Freshness freshness) {
          asked_freshness_.push_back(freshness);
          return JournalVerification{verify_chain(entries_from(*store_), keyring_), {"k-1"}, now_};
        },
        metrics,
        std::move(options));
  }

  void fill() {
    test::CallJournal j(*store_);
    PidfLoInput pidf;
    pidf.entity = presence_entity("u-1");
    pidf.address = CivicAddress{};
    pidf.address->country = "US";
    pidf.address->city = "Austin";
    pidf.address->street = "Congress Ave";
    pidf.address->floor = "7";
    pidf.method = "Wiremap";
    pidf.timestamp = kStart;
    j.call({.call_id = "c-austin-1", .occurred_at = "2026-11-21T10:00:00.000Z", .site_id = "austin-hq",
            .user_id = "u-1", .name = "Ann Example", .extension = "5001", .callback = "+15125550100",
            .warnings = {"missing-unit"}, .pidf_lo = render_pidf_lo(pidf)});
    j.notification({.call_id = "c-austin-1", .list = "austin-security", .name = "Sec Desk", .address = "sec@example.org",
                    .status = "delivered", .at = "2026-11-21T10:00:01.200Z", .latency_ms = 1200});
    j.call({.call_id = "c-austin-2", .occurred_at = "2026-11-21T11:00:00.000Z", .site_id = "austin-hq",
            .user_id = "u-2", .name = "Bo Person", .dispatchable = false});
    j.notification({.call_id = "c-austin-2", .list = "austin-security", .name = "Sec Desk", .address = "+15125550111",
                    .channel = "sms", .status = "failed", .at = "2026-11-21T11:00:30.000Z", .error = "gateway down"});
    j.call({.call_id = "c-london-1", .occurred_at = "2026-11-21T12:00:00.000Z", .site_id = "london-hq",
            .user_id = "u-3", .name = "<script>alert('x')</script>"});
    j.call({.call_id = "c-test-1", .call_class = "test", .dialed = "933", .occurred_at = "2026-11-22T09:00:00.000Z",
            .site_id = "austin-hq", .user_id = "u-1", .name = "Ann Example"});
    signer_ = j.signer();
  }

  HttpResponse send(const std::string& target, const std::string& cookie = "", std::string method = "GET",
                    std::string body = "", std::string client = "127.0.0.1", net::HttpHeaders extra = {}) {
    HttpRequest req;
    req.method = std::move(method);
    req.target = target;
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    req.query = q == std::string::npos ? "" : target.substr(q + 1);
    req.headers = std::move(extra);
    if (!cookie.empty()) req.headers.push_back({"Cookie", cookie});
    if (!body.empty()) req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    req.body = std::move(body);
    req.client_address = std::move(client);
    return service_->handle(req);
  }

  // Replaces the people file atomically (written beside it, renamed over
  // it), as the documentation says to: a new inode, so the next request
  // sees the change without waiting for the clock.
  void replace_people(const std::string& content) {
    std::filesystem::rename(dir_.write("people.tmp", content), people_path_);
  }

  // Signs in with `token` through the form; the session cookie's value.
  std::string sign_in(const std::string& token) {
    const auto form = send("/console/sign-in");
    EXPECT_EQ(form.status, 200) << form.body;
    const auto nonce = cookie_of(form, kSignInCookie);
    const auto done = send("/console/sign-in", std::string(kSignInCookie) + "=" + nonce, "POST",
                           "token=" + percent_encode(token) + "&csrf=" + percent_encode(csrf_in(form.body)));
    EXPECT_EQ(done.status, 303) << done.body;
    return cookie_of(done, kSessionCookie);
  }
  static std::string session(const std::string& value) { return std::string(kSessionCookie) + "=" + value; }

  double metric(const std::string& series) {
    const auto text = metrics_.scrape_text();
    const auto at = text.find(series + " ");
    return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size() + 1));
  }

  test::TempDir dir_;
  std::unique_ptr<AuditStore> store_;
  Signer signer_ = test::signer(SigningAlgorithm::hs256, "k-query");
  Keyring keyring_;
  std::string tokens_path_;
  std::unique_ptr<net::ApiTokenFile> tokens_;
  std::string people_path_ = dir_.path("people");
  std::unique_ptr<PeopleFile> people_;
  observability::MetricsRegistry metrics_;
  EpochMillis now_ = kStart;
  std::vector<Freshness> asked_freshness_;  // what each page asked the verification for
  std::unique_ptr<ConsoleService> service_;
};

TEST_F(ConsoleServiceTest, SigningInWithATokenGivesAStrictHttpOnlySessionThatOpensEveryPage) {
  const auto form = send("/console/sign-in");
  EXPECT_EQ(form.header("Content-Security-Policy"), kConsoleCsp);
  EXPECT_NE(form.body.find("name=\"token\""), std::string::npos);
  const auto nonce = cookie_of(form, kSignInCookie);
  const auto done = send("/console/sign-in", std::string(kSignInCookie) + "=" + nonce, "POST",
                         "token=" + kAliceToken + "&csrf=" + csrf_in(form.body));
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(done.header("Location"), "/console/calls");
  const auto line = set_cookie_line(done, kSessionCookie);
  EXPECT_NE(line.find("; Path=/console; Max-Age=1800; HttpOnly; SameSite=Strict"), std::string::npos) << line;
  EXPECT_EQ(line.find("Secure"), std::string::npos) << "plain HTTP here";
  const auto cookie = session(cookie_of(done, kSessionCookie));

  const auto calls = send("/console/calls", cookie);
  ASSERT_EQ(calls.status, 200) << calls.body;
  EXPECT_EQ(calls.header("Content-Security-Policy"), kConsoleCsp);
  for (const char* id : {"c-austin-1", "c-austin-2", "c-london-1", "c-test-1"}) {
    EXPECT_NE(calls.body.find(id), std::string::npos) << id;
  }
  EXPECT_EQ(calls.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(calls.body.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(calls.body.find("alice (auditor)"), std::string::npos);
  for (const char* page : {"/console/overview", "/console/integrity", "/console/calls/c-austin-1"}) {
    EXPECT_EQ(send(page, cookie).status, 200) << page;
  }
  EXPECT_EQ(send("/console/", cookie).header("Location"), "/console/calls");
  EXPECT_EQ(metric("e911_audit_console_views_total{page=\"calls\"}"), 1);
  EXPECT_EQ(metric("e911_audit_console_views_total{page=\"call\"}"), 1);
}

TEST_F(ConsoleServiceTest, WithoutAValidSessionEveryPageRedirectsToSignInAndShowsNothing) {
  const auto good = sign_in(kAliceToken);
  std::string forged = good;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  // A cookie signed with another key, claiming to be alice.
  const auto other_key = encode_session({"alice", Role::auditor, {}, kStart + 3'600'000}, std::string(40, 'k'));
  for (const auto& [cookie, reason] : std::vector<std::pair<std::string, std::string>>{
           {"", "no-session"}, {session(forged), "forged"}, {session(other_key), "forged"},
           {session("v1.garbage"), "malformed"}}) {
    for (const char* page : {"/console/calls", "/console/calls/c-austin-1", "/console/calls.csv", "/console/overview",
                             "/console/integrity", "/console/nowhere"}) {
      const auto r = send(page, cookie);
      EXPECT_EQ(r.status, 303) << page << " " << reason;
      EXPECT_EQ(r.header("Location"), "/console/sign-in");
      EXPECT_EQ(r.body.find("c-austin"), std::string::npos);
    }
    EXPECT_GE(metric("e911_audit_console_refusals_total{reason=\"" + reason + "\"}"), 6) << reason;
  }
  // Expired: the same cookie, once its lifetime has passed; and it is removed.
  now_ += 30 * 60 * 1000;
  const auto expired = send("/console/calls", session(good));
  EXPECT_EQ(expired.status, 303);
  EXPECT_NE(set_cookie_line(expired, kSessionCookie).find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(metric("e911_audit_console_refusals_total{reason=\"expired\"}"), 1);
}

TEST_F(ConsoleServiceTest, SignInRefusesAMissingOrForeignCsrfTokenABadTokenAndSomeoneNotInThePeopleFile) {
  const auto form = send("/console/sign-in");
  const auto nonce = std::string(kSignInCookie) + "=" + cookie_of(form, kSignInCookie);
  const auto csrf = csrf_in(form.body);
  EXPECT_EQ(send("/console/sign-in", nonce, "POST", "token=" + kAliceToken).status, 403);
  EXPECT_EQ(send("/console/sign-in", "", "POST", "token=" + kAliceToken + "&csrf=" + csrf).status, 403);
  const auto other_nonce = std::string(kSignInCookie) + "=0123456789abcdef0123456789abcdef";
  EXPECT_EQ(send("/console/sign-in", other_nonce, "POST", "token=" + kAliceToken + "&csrf=" + csrf).status, 403);
  EXPECT_EQ(metric("e911_audit_console_refusals_total{reason=\"csrf\"}"), 3);

  const auto bad = send("/console/sign-in", nonce, "POST", "token=not-a-token-at-all-0123456789abcdef&csrf=" + csrf);
  EXPECT_EQ(bad.status, 401);
  EXPECT_NE(bad.body.find("That token was not accepted."), std::string::npos);
  EXPECT_EQ(cookie_of(bad, kSessionCookie), "<none>");
  const auto carol = send("/console/sign-in", nonce, "POST", "token=" + kCarolToken + "&csrf=" + csrf);
  EXPECT_EQ(carol.status, 403);
  EXPECT_EQ(cookie_of(carol, kSessionCookie), "<none>");
  // GET with a body, other methods.
  EXPECT_EQ(send("/console/calls", "", "PUT").status, 405);
  EXPECT_EQ(send("/console/sign-out", "", "GET").status, 405);
}

TEST_F(ConsoleServiceTest, SignOutNeedsTheSessionsCsrfTokenAndThenRemovesTheCookie) {
  const auto cookie = session(sign_in(kAliceToken));
  const auto page = send("/console/calls", cookie);
  const auto csrf = csrf_in(page.body);
  EXPECT_EQ(send("/console/sign-out", cookie, "POST", "x=1").status, 403);
  EXPECT_EQ(send("/console/sign-out", cookie, "POST", "csrf=" + csrf_token(kKey, "session\nv1.other")).status, 403);
  const auto out = send("/console/sign-out", cookie, "POST", "csrf=" + percent_encode(csrf));
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(out.header("Location"), "/console/sign-in");
  EXPECT_NE(set_cookie_line(out, kSessionCookie).find("e911_console=; Path=/console; Max-Age=0"), std::string::npos);
}

// ---- the people file, changed while the console serves ----

TEST_F(ConsoleServiceTest, APersonRemovedFromThePeopleFileIsRefusedAtTheNextRequestWithTheirSession) {
  const auto alice = session(sign_in(kAliceToken));
  const auto bob = session(sign_in(kBobToken));
  ASSERT_EQ(send("/console/calls", bob).status, 200);

  replace_people("alice auditor\n");
  const auto refused = send("/console/calls/c-austin-1", bob);
  EXPECT_EQ(refused.status, 303);
  EXPECT_EQ(refused.header("Location"), "/console/sign-in");
  EXPECT_NE(set_cookie_line(refused, kSessionCookie).find("Max-Age=0"), std::string::npos) << "the cookie removed";
  EXPECT_EQ(refused.body.find("c-austin"), std::string::npos);
  EXPECT_EQ(metric("e911_audit_console_refusals_total{reason=\"revoked\"}"), 1);
  // Nor can they sign in again; the others carry on.
  const auto form = send("/console/sign-in");
  const auto again = send("/console/sign-in", std::string(kSignInCookie) + "=" + cookie_of(form, kSignInCookie), "POST",
                          "token=" + percent_encode(kBobToken) + "&csrf=" + percent_encode(csrf_in(form.body)));
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(cookie_of(again, kSessionCookie), "<none>");
  EXPECT_EQ(send("/console/calls", alice).status, 200);
}

TEST_F(ConsoleServiceTest, ARoleOrSitesChangeAppliesAtTheNextRequest) {
  const auto bob = session(sign_in(kBobToken));
  ASSERT_EQ(send("/console/calls/c-london-1", bob).status, 404) << "not bob's site";
  const net::HttpHeaders lead{{kHeader, "lead@example.org"}};
  EXPECT_EQ(send("/console/calls/c-austin-1", "", "GET", "", kProxy, lead).status, 404);

  // Bob becomes an auditor, the SSO lead gets Austin too.
  replace_people(
      "alice auditor\nbob auditor\nsso.user@example.org auditor\nlead@example.org site-lead austin-hq,london-hq\n");
  // A session carries the role it was given: it ends, and signing in again
  // gives the new one.
  EXPECT_EQ(send("/console/calls", bob).status, 303);
  const auto bob_auditor = session(sign_in(kBobToken));
  const auto call = send("/console/calls/c-london-1", bob_auditor);
  EXPECT_EQ(call.status, 200);
  EXPECT_NE(call.body.find("bob (auditor)"), std::string::npos);
  // The proxy's header is looked up on every request: nothing to end.
  EXPECT_EQ(send("/console/calls/c-austin-1", "", "GET", "", kProxy, lead).status, 200);

  // Sites narrowed: the session with the old sites ends too.
  replace_people("bob site-lead dallas-dc\n");
  EXPECT_EQ(send("/console/calls", bob_auditor).status, 303);
  const auto narrowed = send("/console/calls", session(sign_in(kBobToken)));
  ASSERT_EQ(narrowed.status, 200);
  EXPECT_EQ(narrowed.body.find("c-austin-1"), std::string::npos);
}

TEST_F(ConsoleServiceTest, APeopleFileMadeInvalidClosesTheConsoleWith503UntilItIsFixed) {
  const auto alice = session(sign_in(kAliceToken));
  const auto form = send("/console/sign-in");

  replace_people("alice auditor\nbob site-lead\n");  // bob without sites
  for (const auto& [target, cookie] : std::vector<std::pair<std::string, std::string>>{
           {"/console/calls", alice}, {"/console/calls/c-austin-1", alice}, {"/console/calls.csv", alice},
           {"/console/", alice}, {"/console/sign-in", ""}, {"/console/calls", ""}}) {
    const auto r = send(target, cookie);
    EXPECT_EQ(r.status, 503) << target;
    EXPECT_NE(r.body.find("people file cannot be used"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("c-austin"), std::string::npos) << target;
    EXPECT_EQ(r.header("Content-Security-Policy"), kConsoleCsp);
  }
  // Signing in with a good token, and from the proxy, are refused alike.
  const auto sign_in_post =
      send("/console/sign-in", std::string(kSignInCookie) + "=" + cookie_of(form, kSignInCookie), "POST",
           "token=" + percent_encode(kAliceToken) + "&csrf=" + percent_encode(csrf_in(form.body)));
  EXPECT_EQ(sign_in_post.status, 503);
  EXPECT_EQ(cookie_of(sign_in_post, kSessionCookie), "<none>");
  EXPECT_EQ(send("/console/calls", "", "GET", "", kProxy, {{kHeader, "sso.user@example.org"}}).status, 503);
  EXPECT_EQ(metric("e911_audit_console_refusals_total{reason=\"people-file-unusable\"}"), 8);
  // The 503 page's stylesheet still loads.
  EXPECT_EQ(send("/console/assets/console.css").status, 200);

  // Gone altogether: the same.
  std::filesystem::remove(people_path_);
  EXPECT_EQ(send("/console/calls", alice).status, 503);

  // Fixed: the session that was valid all along is again.
  replace_people(kPeople);
  const auto back = send("/console/calls", alice);
  EXPECT_EQ(back.status, 200);
  EXPECT_NE(back.body.find("c-austin-1"), std::string::npos);
}

TEST_F(ConsoleServiceTest, TheIdentityHeaderIsBelievedOnlyFromTheProxy) {
  const net::HttpHeaders sso{{kHeader, "sso.user@example.org"}};
  const auto from_proxy = send("/console/calls", "", "GET", "", kProxy, sso);
  EXPECT_EQ(from_proxy.status, 200);
  EXPECT_NE(from_proxy.body.find("sso.user@example.org (auditor)"), std::string::npos);
  EXPECT_EQ(from_proxy.body.find("sign-out"), std::string::npos);
  // Nothing to sign out of here (the proxy keeps the session), and no
  // form token to forge: a sign-out post, even with an empty token, goes
  // back to the calls and sets no cookie.
  const auto out = send("/console/sign-out", "", "POST", "csrf=", kProxy, sso);
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(out.header("Location"), "/console/calls");
  EXPECT_FALSE(out.header("Set-Cookie").has_value());
  // From anyone else: refused, even with a valid session beside it.
  const auto cookie = session(sign_in(kBobToken));
  for (const auto& client : {std::string("127.0.0.1"), std::string("10.9.0.2"), std::string("::ffff:10.9.0.3")}) {
    const auto r = send("/console/calls", cookie, "GET", "", client, sso);
    EXPECT_EQ(r.status, 403) << client;
    EXPECT_EQ(r.body.find("c-austin"), std::string::npos);
  }
  EXPECT_EQ(send("/console/sign-in", "", "GET", "", "127.0.0.2", sso).status, 403);
  EXPECT_EQ(metric("e911_audit_console_refusals_total{reason=\"untrusted-identity-header\"}"), 4);
  // From the proxy, someone the people file does not list.
  EXPECT_EQ(send("/console/calls", "", "GET", "", kProxy, {{kHeader, "mallory@example.org"}}).status, 403);
}

TEST_F(ConsoleServiceTest, ASiteLeadSeesOnlyTheirSitesAndAnotherSitesCallIsExactlyAMissingOne) {
  const auto cookie = session(sign_in(kBobToken));
  const auto calls = send("/console/calls", cookie);
  ASSERT_EQ(calls.status, 200);
  EXPECT_NE(calls.body.find("c-austin-1"), std::string::npos);
  EXPECT_EQ(calls.body.find("c-london-1"), std::string::npos);
  const auto asked = send("/console/calls?site=london-hq", cookie);
  EXPECT_EQ(asked.body.find("c-london-1"), std::string::npos);
  EXPECT_NE(asked.body.find("id=\"no-calls\""), std::string::npos);

  const auto other = send("/console/calls/c-london-1", cookie);
  const auto missing = send("/console/calls/c-nowhere", cookie);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body, missing.body);
  EXPECT_EQ(other.body.find("london"), std::string::npos);

  const auto csv = send("/console/calls.csv", cookie);
  EXPECT_NE(csv.body.find("c-austin-2"), std::string::npos);
  EXPECT_EQ(csv.body.find("c-london-1"), std::string::npos);
  const auto overview = send("/console/overview", cookie);
  EXPECT_NE(overview.body.find("austin-hq"), std::string::npos);
  EXPECT_EQ(overview.body.find("london-hq"), std::string::npos);
  // The journal's exports are the auditors'.
  EXPECT_NE(send("/console/integrity", cookie).body.find("auditors download them"), std::string::npos);
}

// The overview's PDF is the report `e911 audit report --pdf` writes, for the
// viewer's sites: an auditor's has every site and the registrations, a
// site lead's only theirs and none.
TEST_F(ConsoleServiceTest, TheOverviewPdfIsTheReportOfTheViewersSites) {
  if (e911::test::run_command({"pdftotext", "-v"}).exit_code != 0) GTEST_SKIP() << "no pdftotext (poppler-utils)";
  const auto text_of = [&](const std::string& pdf) {
    const auto path = dir_.write("overview.pdf", pdf);
    const auto r = e911::test::run_command({"pdftotext", path, "-"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  const auto alice = session(sign_in(kAliceToken));
  const auto page = send("/console/overview?from=2026-11-01&to=2026-11-30", alice);
  EXPECT_NE(page.body.find("href=\"/console/overview.pdf?from=2026-11-01&amp;to=2026-11-30\""), std::string::npos)
      << page.body;
  const auto all = send("/console/overview.pdf?from=2026-11-01&to=2026-11-30&paper=letter", alice);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.content_type, "application/pdf");
  ASSERT_TRUE(all.body.starts_with("%PDF-"));
  auto text = text_of(all.body);
  EXPECT_NE(text.find("austin-hq"), std::string::npos) << text;
  EXPECT_NE(text.find("london-hq"), std::string::npos) << text;
  EXPECT_NE(text.find("Registered locations"), std::string::npos) << text;
  EXPECT_NE(text.find("Example Corp"), std::string::npos) << "the organisation, as configured";
  EXPECT_NE(text.find("c-austin-2"), std::string::npos) << "a failing call, listed";
  EXPECT_NE(text.find("Intact"), std::string::npos) << text;
  EXPECT_EQ(metric("e911_audit_console_exports_total{kind=\"overview-pdf\"}"), 1);

  const auto lead = send("/console/overview.pdf", session(sign_in(kBobToken)));
  ASSERT_EQ(lead.status, 200);
  text = text_of(lead.body);
  EXPECT_NE(text.find("austin-hq"), std::string::npos) << text;
  EXPECT_EQ(text.find("london"), std::string::npos) << text;
  EXPECT_EQ(text.find("Registered locations"), std::string::npos) << text;

  const auto bad = send("/console/overview.pdf?paper=a3", alice);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("paper: expected a4 or letter, got"), std::string::npos) << bad.body;
}

// The console on a PostgreSQL journal: the same pages from the same
// queries, a site lead's restriction included.
class ConsoleServicePostgresTest : public ConsoleServiceTest {
 protected:
  static void TearDownTestSuite() { e911::test::PostgresServer::stop_shared(); }
  std::string store_url() override {
    auto& server = e911::test::PostgresServer::shared();
    return server.url(server.create_database());
  }
};

TEST_F(ConsoleServicePostgresTest, EveryPageWorksOnAPostgresqlJournal) {
  const auto alice = session(sign_in(kAliceToken));
  const auto calls = send("/console/calls?site=austin-hq&notified=false", alice);
  ASSERT_EQ(calls.status, 200) << calls.body;
  EXPECT_NE(calls.body.find("c-austin-2"), std::string::npos);
  EXPECT_EQ(calls.body.find("c-austin-1"), std::string::npos);
  const auto call = send("/console/calls/c-austin-1", alice);
  ASSERT_EQ(call.status, 200);
  EXPECT_NE(call.body.find("Congress Ave"), std::string::npos);
  EXPECT_NE(call.body.find("The whole journal verified"), std::string::npos);
  EXPECT_EQ(call.body.find("class=\"problem\">no:"), std::string::npos) << "every entry verifies";
  const auto overview = send("/console/overview?from=2026-11-01&to=2026-11-30", alice);
  ASSERT_EQ(overview.status, 200);
  EXPECT_NE(overview.body.find("id=\"chart-latency\""), std::string::npos);
  EXPECT_NE(overview.body.find("c-austin-2"), std::string::npos) << "a failing call, listed";
  const auto pdf = send("/console/overview.pdf", alice);
  ASSERT_EQ(pdf.status, 200);
  EXPECT_TRUE(pdf.body.starts_with("%PDF-"));
  const auto csv = send("/console/calls.csv?class=emergency", alice);
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("c-london-1"), std::string::npos);
  EXPECT_EQ(send("/console/integrity", alice).status, 200);
  EXPECT_EQ(send("/console/export/bundle.zip", alice).status, 200);

  const auto bob = session(sign_in(kBobToken));  // site lead of austin-hq
  EXPECT_EQ(send("/console/calls/c-london-1", bob).status, 404);
  EXPECT_EQ(send("/console/calls.csv", bob).body.find("c-london-1"), std::string::npos);
}

// NENA i3 LogEvents need the signing key: offered only when the server
// holds it (auditor.console.i3_export), to auditors, for the period.
TEST_F(ConsoleServiceTest, AnAuditorDownloadsThePeriodsI3LogEventsOnlyWhenTheServerHoldsTheKey) {
  auto alice = session(sign_in(kAliceToken));
  EXPECT_NE(send("/console/integrity", alice).body.find("i3_export</code> is off"), std::string::npos);
  EXPECT_EQ(send("/console/export/log-events.jws", alice).status, 404);

  auto sign = claims_signer(SigningAlgorithm::hs256, "k-i3", test::secret(0));
  ASSERT_TRUE(sign.ok());
  service_ = make_service(metrics_, *sign);
  alice = session(sign_in(kAliceToken));
  EXPECT_NE(send("/console/integrity?from=2026-11-21&to=2026-11-21", alice).body.find(
                "href=\"/console/export/log-events.jws?from=2026-11-21&amp;to=2026-11-21\""),
            std::string::npos);
  const auto r = send("/console/export/log-events.jws?from=2026-11-21&to=2026-11-21", alice);
  ASSERT_EQ(r.status, 200) << r.body;
  std::istringstream lines(r.body);
  std::string jws, payloads;
  int events = 0;
  while (std::getline(lines, jws)) {
    ++events;
    const auto first = jws.find('.'), second = jws.find('.', first + 1);
    ASSERT_NE(second, std::string::npos) << jws;
    const auto payload = base64url_decode(jws.substr(first + 1, second - first - 1));
    ASSERT_TRUE(payload.has_value()) << jws;
    payloads += *payload + "\n";
  }
  EXPECT_GE(events, 4) << r.body;  // three calls recorded, a notification at least
  EXPECT_NE(payloads.find("\"CallStartLogEvent\""), std::string::npos) << payloads;
  EXPECT_NE(payloads.find("c-london-1"), std::string::npos) << payloads;
  EXPECT_EQ(metric("e911_audit_console_exports_total{kind=\"i3\"}"), 1);
  // The period is the entries' journaling time, as the bundle's.
  EXPECT_EQ(send("/console/export/log-events.jws?from=2026-11-23", alice).body, "");
  // The entries are every site's: a site lead gets none.
  EXPECT_EQ(send("/console/export/log-events.jws", session(sign_in(kBobToken))).status, 403);
}

TEST_F(ConsoleServiceTest, TheCsvExportIsExactlyTheFilteredListAndIsCountedAsAnExport) {
  const auto cookie = session(sign_in(kAliceToken));
  const auto csv = send("/console/calls.csv?site=austin-hq&class=emergency&failed=true&limit=1&cursor=", cookie);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8; header=present");
  EXPECT_EQ(csv.header("Content-Disposition"), "attachment; filename=\"calls.csv\"");
  CallFilter f;
  f.site = "austin-hq";
  f.call_class = "emergency";
  f.failed = true;
  auto page = query_calls(*store_, f, {kMaxPageSize, ""});
  ASSERT_TRUE(page);
  std::string expected = calls_csv_header();
  for (const auto& c : page->calls) expected += call_csv_row(c);
  EXPECT_EQ(csv.body, expected);
  EXPECT_EQ(page->calls.size(), 1u);
  EXPECT_EQ(metric("e911_audit_console_exports_total{kind=\"calls-csv\"}"), 1);
  // Escalated none, notified: the filters the API has.
  const auto list = send("/console/calls?notified=true&escalated=false&dispatchable=yes", cookie);
  EXPECT_NE(list.body.find("c-austin-1"), std::string::npos);
  EXPECT_EQ(list.body.find("c-austin-2"), std::string::npos);
}

TEST_F(ConsoleServiceTest, TheCallPageShowsTheLocationAlertsAndEntriesThatVerify) {
  const auto cookie = session(sign_in(kAliceToken));
  const auto r = send("/console/calls/c-austin-1", cookie);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("Congress Ave"), std::string::npos);            // the PIDF-LO, readable
  EXPECT_NE(r.body.find("&lt;presence"), std::string::npos);            // and raw, escaped
  EXPECT_NE(r.body.find("<code>missing-unit</code>"), std::string::npos);
  EXPECT_NE(r.body.find("<td>Sec Desk</td>"), std::string::npos);
  EXPECT_NE(r.body.find("<td>1.2 s</td>"), std::string::npos);
  EXPECT_NE(r.body.find("The whole journal verified"), std::string::npos);
  EXPECT_EQ(r.body.find("class=\"problem\">no:"), std::string::npos) << "every entry verifies";
  EXPECT_NE(r.body.find("<td class=\"ok\">yes</td>"), std::string::npos);
  // Percent-encoded ids work; one with a slash cannot name a call.
  EXPECT_EQ(send("/console/calls/c%2Daustin%2D1", cookie).status, 200);
  // A call page shows the last whole-journal verification and never waits
  // for a new one; the integrity page asks for it as the API caches it.
  EXPECT_EQ(asked_freshness_, (std::vector<Freshness>{Freshness::last_known, Freshness::last_known}));
  asked_freshness_.clear();
  EXPECT_EQ(send("/console/integrity", cookie).status, 200);
  EXPECT_EQ(asked_freshness_, std::vector<Freshness>{Freshness::as_cached});
}

TEST_F(ConsoleServiceTest, HostileValuesInEveryParameterAndPathAreRefusedOrMatchNothingNeverShown) {
  const auto cookie = session(sign_in(kAliceToken));
  const std::vector<std::string> hostile = {"%27%20OR%201%3D1%20--", "..%2F..%2Fetc%2Fpasswd",
                                            "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%00", "%ff%fe", "x%0d%0aSet-Cookie:%20a=b"};
  for (const char* page : {"/console/calls", "/console/calls.csv", "/console/overview", "/console/integrity"}) {
    for (const char* name : {"from", "to", "site", "caller", "class", "dispatchable", "notified", "failed", "escalated",
                             "elin", "limit", "cursor", "nope"}) {
      for (const auto& value : hostile) {
        const auto r = send(std::string(page) + "?" + name + "=" + value, cookie);
        EXPECT_TRUE(r.status == 200 || r.status == 400) << page << "?" << name << "=" << value << " " << r.status;
        // HTML escapes everything; the CSV is text/csv, an attachment, nosniff.
        if (r.content_type.starts_with("text/html")) {
          EXPECT_EQ(r.body.find("<script>alert"), std::string::npos);
        }
        // The export drops limit and cursor by design: the whole filtered list.
        const bool paging = std::string(name) == "limit" || std::string(name) == "cursor";
        if (r.status == 200 && (std::string(page) == "/console/calls" ||
                                (std::string(page) == "/console/calls.csv" && !paging))) {
          EXPECT_EQ(r.body.find("c-austin-1"), std::string::npos) << page << "?" << name << "=" << value;
        }
        for (const auto& h : r.headers) EXPECT_NE(h.name, "a");
      }
    }
  }
  for (const char* path : {"/console/calls/..%2F..%2Fetc%2Fpasswd", "/console/calls/%27%20OR%201%3D1--",
                           "/console/calls/a/b", "/console/../etc/passwd", "/console/assets/../../etc/passwd",
                           "/console/assets/%2e%2e%2fconsole.css", "/console/calls/%00"}) {
    const auto r = send(path, cookie);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << path << " " << r.status;
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
  }
  EXPECT_EQ(send("/console/assets/console.css").status, 200);
  EXPECT_EQ(send("/console/assets/console.css").content_type, "text/css; charset=utf-8");
  // The store is as it was.
  EXPECT_EQ(send("/console/calls.csv", cookie).body.find("c-london-1") != std::string::npos, true);
}

TEST_F(ConsoleServiceTest, AnAuditorDownloadsThePeriodsBundleWhichVerifiesAndASiteLeadCannot) {
  const auto cookie = session(sign_in(kAliceToken));
  const auto r = send("/console/export/bundle.zip?from=2026-11-21&to=2026-11-21", cookie);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/zip");
  EXPECT_EQ(r.header("Content-Disposition"), "attachment; filename=\"audit-bundle.zip\"");
  std::istringstream zip(r.body);
  Poco::Zip::Decompress unzip(zip, Poco::Path(dir_.path("unzipped") + "/"));
  unzip.decompressAllFiles();
  const auto verified = verify_bundle(dir_.path("unzipped/bundle"), keyring_);
  EXPECT_TRUE(verified.chain.ok) << verified.chain.reason;
  EXPECT_EQ(verified.manifest.count, 10);  // every entry journaled that day
  EXPECT_EQ(metric("e911_audit_console_exports_total{kind=\"bundle\"}"), 1);
  EXPECT_NE(send("/console/integrity", cookie).body.find("href=\"/console/export/bundle.zip\""), std::string::npos);

  const auto lead = session(sign_in(kBobToken));
  EXPECT_EQ(send("/console/export/bundle.zip", lead).status, 403);
  EXPECT_EQ(send("/console/export/bundle.zip?from=yesterday", cookie).status, 400);
}

// ---- over real HTTP, beside the API ----

class ConsoleOverHttpTest : public ConsoleServiceTest {
 protected:
  void SetUp() override {
    ConsoleServiceTest::SetUp();
    api::AuditApiOptions options;
    api::AuditApiOptions::Console console;
    console.options.cookie_key = kKey;
    http_people_ = std::make_unique<PeopleFile>(dir_.write("http-people", "alice auditor\n"));
    console.people_file = http_people_.get();
    options.console = std::move(console);
    server_ = std::make_unique<api::AuditApiServer>(*store_, *tokens_, keyring_, metrics_, std::move(options));
  }

  struct Reply {
    int status = 0;
    Poco::Net::NameValueCollection headers;
    std::string body;
  };
  Reply exchange(const std::string& method, const std::string& path, const net::HttpHeaders& headers = {},
                 const std::string& body = "") {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& h : headers) req.add(h.name, h.value);
    if (!body.empty()) {
      req.setContentType("application/x-www-form-urlencoded");
      req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    session.sendRequest(req) << body;
    Reply reply;
    e911::test::read_reply(session, reply.status, reply.headers, reply.body);
    return reply;
  }

  std::unique_ptr<PeopleFile> http_people_;
  std::unique_ptr<api::AuditApiServer> server_;
};

// TLS ended at a proxy in front (auditor.console.secure_cookies): the
// plain-HTTP server still marks its cookies Secure; without it, it does not.
TEST_F(ConsoleOverHttpTest, CookiesAreSecureWhenTlsEndsInFront) {
  EXPECT_EQ(exchange("GET", "/console/sign-in").headers.get("Set-Cookie").find("; Secure"), std::string::npos);
  api::AuditApiOptions options;
  api::AuditApiOptions::Console console;
  console.options.cookie_key = kKey;
  console.options.tls = true;
  console.people_file = http_people_.get();
  options.console = std::move(console);
  server_.reset();
  server_ = std::make_unique<api::AuditApiServer>(*store_, *tokens_, keyring_, metrics_, std::move(options));
  EXPECT_NE(exchange("GET", "/console/sign-in").headers.get("Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_F(ConsoleOverHttpTest, SignsInOverHttpAndItsCsvIsTheApisCsvWhileTheApiKeepsItsRules) {
  const auto form = exchange("GET", "/console/sign-in");
  ASSERT_EQ(form.status, 200);
  EXPECT_EQ(form.headers.get("Content-Security-Policy"), kConsoleCsp);
  EXPECT_EQ(form.headers.get("X-Frame-Options"), "DENY");
  EXPECT_EQ(form.headers.get("Cache-Control"), "no-store");
  const auto set = form.headers.get("Set-Cookie");
  const auto nonce = set.substr(0, set.find(';'));
  const auto done = exchange("POST", "/console/sign-in", {{"Cookie", nonce}},
                             "token=" + kAliceToken + "&csrf=" + percent_encode(csrf_in(form.body)));
  ASSERT_EQ(done.status, 303) << done.body;
  std::string cookie;
  for (auto it = done.headers.find("Set-Cookie"); it != done.headers.end() && it->first == "Set-Cookie"; ++it) {
    if (it->second.starts_with("e911_console=")) cookie = it->second.substr(0, it->second.find(';'));
  }
  ASSERT_FALSE(cookie.empty());

  const auto console_csv = exchange("GET", "/console/calls.csv?site=austin-hq", {{"Cookie", cookie}});
  const auto api_csv =
      exchange("GET", "/v1/calls?site=austin-hq&format=csv&limit=1000", {{"Authorization", "Bearer " + kAliceToken}});
  ASSERT_EQ(console_csv.status, 200);
  ASSERT_EQ(api_csv.status, 200);
  EXPECT_EQ(console_csv.body, api_csv.body);

  EXPECT_EQ(exchange("GET", "/console/calls").status, 303);
  // The API's own rules, unchanged: a token, GET only, no body.
  EXPECT_EQ(exchange("GET", "/v1/calls", {{"Cookie", cookie}}).status, 401);
  EXPECT_EQ(exchange("POST", "/v1/calls", {{"Authorization", "Bearer " + kAliceToken}}, "a=b").status, 413);
  EXPECT_EQ(exchange("DELETE", "/v1/calls", {{"Authorization", "Bearer " + kAliceToken}}).status, 405);
  EXPECT_EQ(exchange("GET", "/v1/calls", {{"Authorization", "Bearer " + kAliceToken}}).headers.get(
                "Content-Security-Policy"),
            "default-src 'none'; frame-ancestors 'none'");
}

}  // namespace
}  // namespace e911::auditor::console
