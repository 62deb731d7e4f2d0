// The audit console's pure parts (consumers/auditor/console/): the people
// file, session cookies, CSRF tokens, role checks, cookies in requests, and
// the pages' escaping and links. No sockets, no store.

#include <gtest/gtest.h>

#include <cctype>

#include <string>

#include "common/encoding.h"
#include "consumers/auditor/console/console_access.h"
#include "consumers/auditor/console/console_pages.h"
#include "consumers/auditor/console/console_people.h"
#include "consumers/auditor/console/csrf_token.h"
#include "consumers/auditor/console/request_cookies.h"
#include "consumers/auditor/console/session_cookie.h"
#include "tests/support/text_contains.h"

namespace e911::auditor::console {
namespace {

// Whether `page` has an attribute " on<letters>=" (an inline event
// handler), case-insensitively. Written out: GCC 12 warns inside
// std::regex under the sanitizers.
bool has_event_handler(const std::string& page) {
  for (std::size_t at = page.find(' '); at != std::string::npos; at = page.find(' ', at + 1)) {
    if (at + 3 >= page.size() || std::tolower(static_cast<unsigned char>(page[at + 1])) != 'o' ||
        std::tolower(static_cast<unsigned char>(page[at + 2])) != 'n') {
      continue;
    }
    std::size_t end = at + 3;
    while (end < page.size() && std::isalpha(static_cast<unsigned char>(page[end]))) ++end;
    if (end > at + 3 && end < page.size() && page[end] == '=') return true;
  }
  return false;
}


const std::string kKey = "console-test-key-0123456789abcdef0123456789";
const std::string kOtherKey = "another-console-key-0123456789abcdef012345";
constexpr EpochMillis kNow = 1795255200000;

// ---- the people file ----

TEST(ConsolePeople, ReadsAuditorsAndSiteLeadsWithCommentsAndBlankLines) {
  const auto people = parse_people(
      "# who may use the console\n\nalice@example.org auditor\r\nbob  site-lead\tdallas-dc,austin-hq,austin-hq\n",
      "people.txt");
  ASSERT_TRUE(people) << people.error().message;
  ASSERT_EQ(people->size(), 2u);
  EXPECT_EQ((*people)[0], (Person{"alice@example.org", Role::auditor, {}}));
  // Sorted, each once.
  EXPECT_EQ((*people)[1], (Person{"bob", Role::site_lead, {"austin-hq", "dallas-dc"}}));
  const People index(std::move(*people));
  ASSERT_NE(index.find("bob"), nullptr);
  EXPECT_EQ(index.find("bob")->role, Role::site_lead);
  EXPECT_EQ(index.find("carol"), nullptr);
}

TEST(ConsolePeople, ErrorsNameTheFileTheLineAndWhatIsWrong) {
  const auto error = [](std::string_view text) {
    const auto r = parse_people(text, "people.txt");
    return r ? std::string("accepted") : r.error().message;
  };
  EXPECT_EQ(error("alice admin\n"), "people.txt:1: unknown role \"admin\" (auditor or site-lead)");
  EXPECT_EQ(error("# x\nbob site-lead\n"), "people.txt:2: a site-lead needs their sites (comma-separated) after site-lead");
  EXPECT_EQ(error("alice auditor austin-hq\n"), "people.txt:1: an auditor sees every site: no site list after auditor");
  EXPECT_EQ(error("bob site-lead austin-hq,,x\n"),
            "people.txt:1: site \"\" is not 1-64 characters of A-Z a-z 0-9 . _ : -");
  EXPECT_EQ(error("al|ce auditor\n"),
            "people.txt:1: identity \"al|ce\" is not 1-128 characters of A-Z a-z 0-9 . _ @ + -");
  EXPECT_EQ(error("alice auditor\nalice site-lead x\n"), "people.txt:2: identity \"alice\" listed twice");
  EXPECT_EQ(error("alice\n"), "people.txt:1: expected IDENTITY ROLE [SITE,SITE...]");
}

// ---- session cookies ----

ConsoleSession lead_session() { return {"bob", Role::site_lead, {"austin-hq", "dallas-dc"}, kNow + 60'000}; }

TEST(SessionCookie, RoundTripsWhoWhatAndUntilWhen) {
  const auto cookie = encode_session(lead_session(), kKey);
  EXPECT_TRUE(cookie.starts_with("v1."));
  const auto check = decode_session(cookie, kKey, kNow);
  ASSERT_EQ(check.outcome, SessionCheck::Outcome::valid);
  EXPECT_EQ(check.session.identity, "bob");
  EXPECT_EQ(check.session.role, Role::site_lead);
  EXPECT_EQ(check.session.sites, (std::vector<std::string>{"austin-hq", "dallas-dc"}));
  EXPECT_EQ(check.session.expires_at, kNow + 60'000);
}

TEST(SessionCookie, ExpiresAtItsTime) {
  const auto cookie = encode_session(lead_session(), kKey);
  EXPECT_EQ(decode_session(cookie, kKey, kNow + 59'999).outcome, SessionCheck::Outcome::valid);
  EXPECT_EQ(decode_session(cookie, kKey, kNow + 60'000).outcome, SessionCheck::Outcome::expired);
}

TEST(SessionCookie, AChangedRoleSiteOrExpiryOrAnotherKeyIsForged) {
  const auto cookie = encode_session(lead_session(), kKey);
  EXPECT_EQ(decode_session(cookie, kOtherKey, kNow).outcome, SessionCheck::Outcome::forged);
  // The same MAC over a payload that promotes bob to auditor of everything.
  const auto mac = cookie.substr(cookie.rfind('.'));
  const auto promoted = "v1." + base64url_encode("bob\nauditor\n\n" + std::to_string(kNow + 60'000)) + mac;
  EXPECT_EQ(decode_session(promoted, kKey, kNow).outcome, SessionCheck::Outcome::forged);
  const auto longer = "v1." + base64url_encode("bob\nsite-lead\naustin-hq,dallas-dc\n" + std::to_string(kNow + 1'000'000'000)) + mac;
  EXPECT_EQ(decode_session(longer, kKey, kNow).outcome, SessionCheck::Outcome::forged);
}

TEST(SessionCookie, GarbageIsMalformedNeverACrash) {
  for (const std::string& bad : std::vector<std::string>{"", "v1", "v1.", "v1..", "v2.abc.def", "v1.%%%.###", "v1.YWJj",
                                                          std::string(5000, 'a'), std::string("v1.\0\xff.x", 7)}) {
    EXPECT_EQ(decode_session(bad, kKey, kNow).outcome, SessionCheck::Outcome::malformed) << bad;
  }
  // Signed with the key, but not what encode_session writes.
  const std::string payload = base64url_encode("bob\nroot\n\n1");
  EXPECT_NE(decode_session("v1." + payload + ".x", kKey, kNow).outcome, SessionCheck::Outcome::valid);
}

// ---- CSRF tokens ----

TEST(CsrfToken, MatchesOnlyItsBindingUnderItsKey) {
  const auto token = csrf_token(kKey, "session\nv1.abc.def");
  EXPECT_TRUE(csrf_token_matches(kKey, "session\nv1.abc.def", token));
  EXPECT_FALSE(csrf_token_matches(kKey, "session\nv1.abc.deg", token));
  EXPECT_FALSE(csrf_token_matches(kOtherKey, "session\nv1.abc.def", token));
  EXPECT_FALSE(csrf_token_matches(kKey, "session\nv1.abc.def", ""));
  EXPECT_FALSE(csrf_token_matches(kKey, "", csrf_token(kKey, "")));
}

// ---- role checks ----

TEST(ConsoleAccess, ASiteLeadsQueriesAreRestrictedToTheirSitesAndAnAuditorsAreNot) {
  Viewer lead{"bob", Role::site_lead, {"austin-hq"}, false, ""};
  Viewer auditor{"alice", Role::auditor, {}, false, ""};
  CallFilter f;
  f.site = "london-hq";
  restrict_to_viewer(lead, f);
  ASSERT_TRUE(f.sites);
  EXPECT_EQ(*f.sites, std::vector<std::string>{"austin-hq"});
  EXPECT_EQ(f.site, "london-hq");  // kept: together they match nothing
  CallFilter g;
  restrict_to_viewer(auditor, g);
  EXPECT_FALSE(g.sites);

  CallRow austin, london, unsited;
  austin.site_id = "austin-hq";
  london.site_id = "london-hq";
  EXPECT_TRUE(may_see_call(lead, austin));
  EXPECT_FALSE(may_see_call(lead, london));
  EXPECT_FALSE(may_see_call(lead, unsited));
  EXPECT_TRUE(may_see_call(auditor, london));
  EXPECT_FALSE(may_export_journal(lead));
  EXPECT_TRUE(may_export_journal(auditor));
}

TEST(ConsoleAccess, AViewerIsWhatThePeopleFileSaysNow) {
  const People people({{"alice", Role::auditor, {}}});
  ASSERT_TRUE(viewer_of(people, "alice"));
  EXPECT_FALSE(viewer_of(people, "mallory"));
}

// ---- cookies ----

TEST(RequestCookies, FindsTheNamedCookieAmongOthers) {
  net::HttpRequest req;
  req.headers = {{"Cookie", "a=1; e911_console=v1.x.y ;b=2"}, {"cookie", "c=\"3\""}};
  EXPECT_EQ(cookie_value(req, "e911_console"), "v1.x.y");
  EXPECT_EQ(cookie_value(req, "c"), "3");
  EXPECT_EQ(cookie_value(req, "e911"), std::nullopt);
  EXPECT_EQ(set_cookie("s", "v", 1800, true), "s=v; Path=/console; Max-Age=1800; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(set_cookie("s", "", 0, false), "s=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict");
}

// ---- pages ----

const std::string kHostile = "<script>alert(1)</script>\"'&";
const std::string kEscaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;";

TEST(ConsolePages, EveryValueShownIsEscapedAndNoPageHasInlineScriptOrStyle) {
  CallRow c;
  c.call_id = kHostile;
  c.caller_name = kHostile;
  c.site_id = kHostile;
  c.location_label = kHostile;
  c.warnings = {kHostile};
  Viewer v{kHostile, Role::site_lead, {kHostile}, false, kHostile};
  net::QueryParams params{{"caller", kHostile}, {"site", kHostile}};

  CallView cv;
  cv.detail.call = c;
  AlertRow a;
  a.recipient_name = kHostile;
  a.error = kHostile;
  cv.detail.alerts = {a};
  AuditEntry e;
  e.seq = 1;
  e.kind = kHostile;
  e.payload = "{\"pidf_lo\":\"" + std::string("<presence>\\\"x</presence>") + "\",\"x\":\"</pre><script>\"}";
  e.hash = kHostile;
  cv.detail.entries = {e};
  cv.checks = {{false, kHostile}};
  OverviewView ov;
  ov.params = params;
  ov.report.sites.push_back({});
  ov.report.sites.back().site_id = kHostile;
  IntegrityView iv;
  iv.params = params;
  iv.chain = VerifyResult{};
  iv.chain->reason = kHostile;
  iv.key_ids = {kHostile};

  for (const auto& page :
       {render_page(kHostile, Section::calls, &v, calls_body({params, {c}, kHostile})),
        render_page("call", Section::calls, &v, call_body(cv)), render_page("o", Section::overview, &v, overview_body(ov)),
        render_page("i", Section::integrity, &v, integrity_body(iv)),
        render_page("s", Section::none, nullptr, sign_in_body(kHostile, kHostile)),
        render_page("m", Section::none, nullptr, message_body(kHostile, kHostile))}) {
    EXPECT_EQ(page.find("<script>"), std::string::npos) << page;
    EXPECT_EQ(page.find("alert(1)</"), std::string::npos) << page;
    EXPECT_EQ(page.find("style="), std::string::npos) << page;
    EXPECT_FALSE(has_event_handler(page)) << "an event handler";
    EXPECT_NE(page.find("<script src=\"/console/assets/console.js\" defer></script>"), std::string::npos);
  }
  const auto calls = calls_body({params, {c}, ""});
  EXPECT_NE(calls.find(kEscaped), std::string::npos) << calls;
}

TEST(ConsolePages, LinksKeepTheFilterPercentEncodedAndTheExportDropsThePaging) {
  net::QueryParams params{{"caller", "Ann & \"Bob\""}, {"site", "a b"}, {"limit", "10"}, {"cursor", "c1"}};
  const auto body = calls_body({params, {}, "next+1"});
  // The CSV link: the filter, without cursor and limit; HTML-escaped.
  EXPECT_NE(body.find("href=\"/console/calls.csv?caller=Ann%20%26%20%22Bob%22&amp;site=a%20b\""), std::string::npos)
      << body;
  EXPECT_NE(body.find("href=\"/console/calls?caller=Ann%20%26%20%22Bob%22&amp;cursor=next%2B1&amp;limit=10&amp;site=a%20b\""),
            std::string::npos)
      << body;
  // The form shows the current values.
  EXPECT_NE(body.find("value=\"Ann &amp; &quot;Bob&quot;\""), std::string::npos) << body;
  EXPECT_NE(body.find("id=\"no-calls\""), std::string::npos);
}

TEST(ConsolePages, TheOverviewShowsEachChartWithItsNumbersAndTheCallsThatFellShort) {
  OverviewView ov;
  ov.report.overall.emergency_calls = 4;
  ov.report.overall.dispatchable = 3;
  auto body = overview_body(ov);
  EXPECT_EQ(body.find("<figure"), std::string::npos);
  EXPECT_NE(body.find("id=\"failing-none\""), std::string::npos) << body;
  EXPECT_EQ(body.find("id=\"registrations\""), std::string::npos) << "shown only when given (auditors)";
  ov.charts.push_back({"chart-latency", "Alert <latency>", "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>",
                       "3 calls under 1 s & 1 over 60 s"});
  CallRow short_call;
  short_call.call_id = "c-<1>";
  short_call.site_id = "austin-hq";
  ov.failing_calls.push_back({short_call, {"not dispatchable (location source none)", "2 alerts failed"}});
  ov.failing_total = 3;
  ov.registrations = RegistrationStatus{0, 12 * 3'600'000, 5, 4, 1, 2, 1, 0};
  body = overview_body(ov);
  e911::test::expect_contains_all(body, {"<figure class=\"chart\" id=\"chart-latency\"><svg xmlns",
                                         "Alert &lt;latency&gt;", "3 calls under 1 s &amp; 1 over 60 s",
                                         "<td>75.0 %</td>", "3 calls, the first 1 shown", ">c-&lt;1&gt;</a>",
                                         "/console/calls/c-%3C1%3E",
                                         "not dispatchable (location source none); 2 alerts failed",
                                         "Stale (not confirmed within 12 h)</th><td>2</td>"});
}

TEST(ConsolePages, SignOutIsAFormWithTheCsrfTokenUnlessTheProxySignedIn) {
  Viewer v{"alice", Role::auditor, {}, false, "tok"};
  const auto page = render_page("t", Section::calls, &v, "");
  EXPECT_NE(page.find("<form method=\"post\" action=\"/console/sign-out\""), std::string::npos);
  EXPECT_NE(page.find("name=\"csrf\" value=\"tok\""), std::string::npos);
  v.sso = true;
  EXPECT_EQ(render_page("t", Section::calls, &v, "").find("sign-out"), std::string::npos);
}

}  // namespace
}  // namespace e911::auditor::console
