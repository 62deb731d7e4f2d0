// The words of an alert: phrases, e-mail, webhook and its signature.

#include "consumers/notifier/alert_text.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <string>

#include "common/emergency_call.h"
#include "common/text.h"
#include "tests/notifier/alert_fixtures.h"
#include "tests/notifier/locator_output.h"
#include "tests/support/files.h"

namespace e911::notifier {
namespace {

using test_data::call_from;
using test_data::with;
using test_data::have_zoneinfo;
using test_data::kLondon;
using test_data::kAustin;

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// ---- phrases ----

TEST(AlertPhrases, AreExactlyAsDocumented) {
  EXPECT_EQ(phrase::kEmergencyBanner, "EMERGENCY CALL");
  EXPECT_EQ(phrase::kTestBanner, "TEST CALL");
  EXPECT_EQ(phrase::kVpnRegistered, "caller on VPN: registered home address used");
  EXPECT_EQ(phrase::kVpnNoNetworkLocation, "caller on VPN: network location not usable");
  EXPECT_EQ(phrase::kStaleLocation, "location not confirmed since network change / registration is old");
  EXPECT_EQ(phrase::kMissingUnit, "address has no apartment/unit number: NOT dispatchable as is");
  EXPECT_EQ(phrase::kUnknownNetwork, "caller on an unknown network");
  EXPECT_EQ(phrase::kDialPrefix, "dialled with outside-line prefix");
  EXPECT_EQ(phrase::kNoDispatchableLocation, "NO DISPATCHABLE LOCATION: call routed to the emergency relay centre");
}

// None of our own words may push an SMS into UCS-2 (a curly quote would).
TEST(AlertPhrases, AreAllInTheGsm7Alphabet) {
  for (auto p : {phrase::kEmergencyBanner, phrase::kTestBanner, phrase::kVpnRegistered, phrase::kVpnNoNetworkLocation,
                 phrase::kStaleLocation, phrase::kMissingUnit, phrase::kUnknownNetwork, phrase::kSiteMismatchBefore,
                 phrase::kSiteMismatchAfter, phrase::kDialPrefix, phrase::kNoDispatchableLocation,
                 phrase::kNotDispatchable, phrase::kUnknownWarning, phrase::kUnknownCaller, phrase::kNoCallback,
                 phrase::kNoTime, phrase::kUnknownLocation, phrase::kUnknownSite, phrase::kCallbackMissing,
                 phrase::kCallbackShared, phrase::kCallbackExtension, phrase::kElinReused, kRegisteredValidated,
                 kRegisteredNotValidated}) {
    EXPECT_EQ(sms_encoding(p), SmsEncoding::gsm7) << p;
  }
}

TEST(AlertWarnings, EachCodeInPlainWords) {
  auto call = call_from(test_data::kParisVpn);  // source registered
  EXPECT_EQ(warning_text(warning::kVpn, call, "London HQ"), "caller on VPN: registered home address used");
  call.location.source = std::string(source::kNone);
  EXPECT_EQ(warning_text(warning::kVpn, call, "London HQ"), "caller on VPN: network location not usable");
  EXPECT_EQ(warning_text(warning::kStaleLocation, call, ""), phrase::kStaleLocation);
  EXPECT_EQ(warning_text(warning::kMissingUnit, call, ""), phrase::kMissingUnit);
  EXPECT_EQ(warning_text(warning::kUnknownNetwork, call, ""), phrase::kUnknownNetwork);
  EXPECT_EQ(warning_text(warning::kDialPrefix, call, ""), phrase::kDialPrefix);
  EXPECT_EQ(warning_text(warning::kSiteMismatch, call, "London HQ"),
            "caller is physically at London HQ (not their home site)");
  EXPECT_EQ(warning_text("satellite-phone", call, ""), "warning: satellite-phone");
  EXPECT_EQ(warning_text(warning::kElinReused, call, ""), phrase::kElinReused);
}

// A registered address: whether an address validation provider confirmed
// it, in every channel; nothing for a location from the network, or when
// the document does not say.
TEST(AlertRegistration, SaysWhetherTheRegisteredAddressWasValidated) {
  const auto unvalidated =
      call_from(with(test_data::kParisVpn, R"("validated":true)", R"("validated":false)"));
  EXPECT_EQ(alert_facts(unvalidated, kLondon).registration, "address registered by the user, NOT validated");
  const auto m = render_email(unvalidated, kLondon);
  EXPECT_TRUE(contains(m.text, "\nRegistration: address registered by the user, NOT validated\n")) << m.text;
  EXPECT_TRUE(contains(m.html, "<td>address registered by the user, NOT validated</td>")) << m.html;
  EXPECT_TRUE(
      contains(render_sms(unvalidated, kLondon), "\nRegistration: address registered by the user, NOT validated"));
  rapidjson::Document hook;
  hook.Parse(render_webhook(unvalidated, kLondon).c_str());
  ASSERT_FALSE(hook.HasParseError());
  EXPECT_FALSE(hook["location"]["validated"].GetBool());
  EXPECT_TRUE(contains(hook["text"].GetString(), "Registration: address registered by the user, NOT validated"));

  EXPECT_EQ(alert_facts(call_from(test_data::kParisVpn), kLondon).registration,
            "address registered by the user, validated by an address provider");
  const auto unsaid = call_from(with(test_data::kParisVpn, R"(,"validated":true)", ""));
  EXPECT_EQ(alert_facts(unsaid, kLondon).registration, "");
  EXPECT_FALSE(contains(render_email(unsaid, kLondon).text, "Registration"));
  const auto subnet = render_webhook(call_from(test_data::kLondonSubnet), kLondon);
  EXPECT_FALSE(contains(subnet, "Registration"));
  EXPECT_FALSE(contains(subnet, "\"validated\""));
}

// A callback that does not reach the caller: said so, with the extension
// security staff can pass on when there is one.
TEST(AlertWarnings, CallbackWarningsGiveTheExtension) {
  auto call = call_from(test_data::kParisVpn);
  call.caller.extension = "5001";
  EXPECT_EQ(warning_text(warning::kCallbackShared, call, ""),
            "callback number is the main line: the PSAP cannot reach the caller directly; extension 5001");
  EXPECT_EQ(warning_text(warning::kCallbackMissing, call, ""),
            "no callback number the PSAP can dial: it cannot call the caller back; extension 5001");
  call.caller.extension.clear();
  EXPECT_EQ(warning_text(warning::kCallbackShared, call, ""),
            "callback number is the main line: the PSAP cannot reach the caller directly");
}

// The Austin caller found on London's network: London's list is alerted
// about London, and the warning says where the caller is.
TEST(AlertWarnings, SiteMismatchNamesThePhysicalSite) {
  auto json = with(test_data::kLondonSubnet, R"("site_id":"london-hq","location")", R"("site_id":"austin-office","location")");
  json = with(json, R"("warnings":[])", R"("warnings":["site-mismatch"])");
  const auto f = alert_facts(call_from(json), kLondon);
  EXPECT_EQ(f.warnings, std::vector<std::string>{"caller is physically at London HQ (not their home site)"});
  // Alerting another site's list (e.g. a fallback), the id of where they are is named.
  const auto g = alert_facts(call_from(json), AlertSite{"corporate", "Corporate SOC", ""});
  EXPECT_EQ(g.warnings, std::vector<std::string>{"caller is physically at london-hq (not their home site)"});
}

TEST(AlertWarnings, NotDispatchableIsSaidWhenNoWarningExplainsIt) {
  const auto call = call_from(test::read_file(test::source_dir() +
                                              "/schemas/examples/emergency-call/endpoint-geo-test-call.json"));
  const auto f = alert_facts(call, kAustin);
  ASSERT_EQ(f.warnings.size(), 3u);
  EXPECT_EQ(f.warnings[0], phrase::kNotDispatchable);
  EXPECT_EQ(f.coordinates, "30.26720, -97.74310 (accuracy 12 m)");
  // A missing unit already says NOT dispatchable: not twice.
  const auto unit = call_from(test::read_file(test::source_dir() +
                                              "/schemas/examples/emergency-call/registered-missing-unit.json"));
  EXPECT_EQ(alert_facts(unit, kAustin).warnings.front(), phrase::kMissingUnit);
}

// ---- time ----

TEST(AlertTime, SiteLocalTimeAndUtc) {
  if (!have_zoneinfo()) GTEST_SKIP() << "no /usr/share/zoneinfo (Debian package tzdata)";
  const auto london = alert_facts(call_from(test_data::kLondonSubnet), kLondon);
  EXPECT_EQ(london.local_time, "2026-11-21 10:15:00 GMT");
  EXPECT_EQ(london.utc_time, "2026-11-21 10:15:00 UTC");
  EXPECT_EQ(london.short_time, "21 Nov 10:15 GMT (10:15 UTC)");
  EXPECT_EQ(london.time_line(), "2026-11-21 10:15:00 GMT (2026-11-21 10:15:00 UTC)");

  const auto austin = alert_facts(call_from(test_data::kTestCall933), kAustin);
  EXPECT_EQ(austin.time_line(), "2026-11-21 08:00:00 CST (2026-11-21 14:00:00 UTC)");

  auto summer = call_from(test_data::kLondonSubnet);
  summer.occurred_at = parse_rfc3339("2026-07-01T23:30:00Z");
  EXPECT_EQ(alert_facts(summer, kLondon).time_line(), "2026-07-02 00:30:00 BST (2026-07-01 23:30:00 UTC)");
  EXPECT_EQ(alert_facts(summer, kAustin).short_time, "1 Jul 18:30 CDT (23:30 UTC)");
  EXPECT_EQ(alert_facts(summer, AlertSite{"in", "Bengaluru", "Asia/Kolkata"}).short_time,
            "2 Jul 05:00 IST (23:30 UTC)");
}

TEST(AlertTime, UnknownOrMissingZoneShowsUtcOnly) {
  const auto call = call_from(test_data::kLondonSubnet);
  for (const auto* zone : {"", "Mars/Olympus_Mons", "../../etc/passwd", "UTC"}) {
    const auto f = alert_facts(call, AlertSite{"london-hq", "London HQ", zone});
    EXPECT_EQ(f.local_time, "") << zone;
    EXPECT_EQ(f.time_line(), "2026-11-21 10:15:00 UTC") << zone;
    EXPECT_EQ(f.short_time, "21 Nov 10:15 UTC") << zone;
  }
}

TEST(AlertTime, MissingTimeIsSaid) {
  auto call = call_from(test_data::kLondonSubnet);
  call.occurred_at.reset();
  const auto f = alert_facts(call, kLondon);
  EXPECT_EQ(f.time_line(), "time not reported");
  EXPECT_EQ(f.short_time, "");
}

// ---- e-mail ----

TEST(AlertEmail, LondonCallExactly) {
  if (!have_zoneinfo()) GTEST_SKIP() << "no /usr/share/zoneinfo";
  const auto m = render_email(call_from(test_data::kLondonSubnet), kLondon);
  EXPECT_EQ(m.subject, "EMERGENCY CALL - London HQ - John Smith x5001");
  EXPECT_EQ(m.text,
            "EMERGENCY CALL - London HQ\n"
            "\n"
            "Caller:      John Smith x5001\n"
            "Callback:    +442079460101\n"
            "Dialed:      112\n"
            "Time:        2026-11-21 10:15:00 GMT (2026-11-21 10:15:00 UTC)\n"
            "Location:    London HQ, Level 4\n"
            "Address:     North Tower, 1 Example Road, Floor 4, London EC1A 1AA, GB\n"
            "Source:      subnet, dispatchable\n"
            "\n"
            "Call c-1, notification list london-security.\n");
  EXPECT_TRUE(m.html.starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(contains(m.html, "<h1 style=\"margin:0 0 4px;color:#b00020\">EMERGENCY CALL</h1>"));
  EXPECT_TRUE(contains(m.html, "<a href=\"tel:+442079460101\">+442079460101</a>"));
  EXPECT_TRUE(contains(m.html, "<td>London HQ, Level 4</td>"));
}

TEST(AlertEmail, VpnWarningListed) {
  const auto m = render_email(call_from(test_data::kParisVpn), kLondon);
  EXPECT_TRUE(contains(m.text, "\nWarnings:\n- caller on VPN: registered home address used\n")) << m.text;
  EXPECT_TRUE(contains(m.html, "<li><strong>caller on VPN: registered home address used</strong></li>"));
}

TEST(AlertEmail, NoDispatchableLocationInSubjectAndBody) {
  const auto m = render_email(call_from(test_data::kNoLocationEcrc), kAustin);
  EXPECT_EQ(m.subject, "EMERGENCY CALL - Austin Office - Sam Lee x9004 - NO DISPATCHABLE LOCATION");
  EXPECT_TRUE(m.text.starts_with("EMERGENCY CALL - Austin Office\n" + std::string(phrase::kNoDispatchableLocation) +
                                 "\n"))
      << m.text;
  EXPECT_TRUE(contains(m.html, std::string(phrase::kNoDispatchableLocation)));
}

TEST(AlertEmail, CallerUnknownAndNoCallback) {
  const auto call = call_from(test::read_file(test::source_dir() +
                                              "/schemas/examples/emergency-call/no-location-ecrc-nulls.json"));
  const auto m = render_email(call, AlertSite{});
  EXPECT_EQ(m.subject, "EMERGENCY CALL - unknown site - caller not identified - NO DISPATCHABLE LOCATION");
  EXPECT_TRUE(contains(m.text, "Callback:    no callback number\n")) << m.text;
  EXPECT_TRUE(contains(m.text, "\nCall c-6.\n")) << m.text;  // no notification list
}

// Names come from directories and softphones: they may hold markup, and a
// line break in a subject would be header injection.
TEST(AlertEmail, HostileNamesAreEscapedAndKeptOnOneLine) {
  auto json = with(test_data::kLondonSubnet, R"("name":"John Smith")",
                   R"("name":"<script>alert('x')</script> & \"Bobby\"\r\nBcc: evil@example.com")");
  json = with(json, R"("label":"London HQ, Level 4")", R"("label":"Level 4 <b>&amp; roof</b>")");
  const AlertSite site{"london-hq", "London <HQ> & Co", "Europe/London"};
  const auto m = render_email(call_from(json), site);
  EXPECT_EQ(m.subject.find_first_of("\r\n"), std::string::npos) << m.subject;
  EXPECT_EQ(m.subject,
            "EMERGENCY CALL - London <HQ> & Co - <script>alert('x')</script> & \"Bobby\" Bcc: evil@example.com x5001");
  EXPECT_FALSE(contains(m.html, "<script>"));
  EXPECT_FALSE(contains(m.html, "<b>"));
  EXPECT_FALSE(contains(m.html, "<HQ>"));
  EXPECT_TRUE(contains(m.html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Bobby&quot;"));
  EXPECT_TRUE(contains(m.html, "<title>EMERGENCY CALL - London &lt;HQ&gt; &amp; Co - &lt;script&gt;"));
  EXPECT_TRUE(contains(m.html, "Level 4 &lt;b&gt;&amp;amp; roof&lt;/b&gt;"));
  EXPECT_TRUE(contains(m.text, "Caller:      <script>alert('x')</script> & \"Bobby\" Bcc: evil@example.com x5001\n"));
}

TEST(AlertEmail, OnlyAPlainNumberBecomesATelLink) {
  auto json = with(test_data::kLondonSubnet, R"("callback":"+442079460101")", R"j("callback":"javascript:alert(1)")j");
  const auto m = render_email(call_from(json), kLondon);
  EXPECT_FALSE(contains(m.html, "href=\"javascript"));
  EXPECT_TRUE(contains(m.html, "<td>javascript:alert(1)</td>"));
}

TEST(AlertText, CleanLineRemovesBreaksControlsAndBidiOverrides) {
  EXPECT_EQ(clean_line("  John\r\n\tSmith  "), "John Smith");
  EXPECT_EQ(clean_line("a\u2028b\u2029c\u0085d"), "a b c d");
  EXPECT_EQ(clean_line("+44\u202E1010 6497 02\u202C"), "+441010 6497 02");
  EXPECT_EQ(clean_line("bad \xff byte"), "bad \uFFFD byte");
  EXPECT_EQ(clean_line("Γιώργος 山田"), "Γιώργος 山田");
  EXPECT_TRUE(is_valid_utf8(clean_line("\xc3\x28\xe2\x82")));
}

TEST(AlertText, HtmlEscape) { EXPECT_EQ(html_escape(R"(<a href="x">'&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"); }

// ---- TEST CALL everywhere ----

TEST(AlertTestCall, BannerInEveryChannel) {
  const auto call = call_from(test_data::kTestCall933);
  const auto m = render_email(call, kAustin);
  EXPECT_EQ(m.subject, "TEST CALL - Austin Office - Test Desk x6100");
  EXPECT_TRUE(m.text.starts_with("TEST CALL - Austin Office\n"));
  EXPECT_TRUE(contains(m.html, ">TEST CALL</h1>"));
  EXPECT_FALSE(contains(m.html, "EMERGENCY CALL"));
  EXPECT_TRUE(render_sms(call, kAustin).starts_with("TEST CALL 933\n"));
  const auto body = render_webhook(call, kAustin);
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["banner"].GetString(), "TEST CALL");
  EXPECT_STREQ(doc["class"].GetString(), "test");
  EXPECT_TRUE(std::string(doc["text"].GetString()).starts_with("TEST CALL - Austin Office"));
}

// ---- webhook ----

TEST(AlertWebhook, CarriesTheFactsAndAChatText) {
  if (!have_zoneinfo()) GTEST_SKIP() << "no /usr/share/zoneinfo";
  const auto body = render_webhook(call_from(test_data::kParisVpn), kLondon);
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  ASSERT_FALSE(doc.HasParseError()) << body;
  EXPECT_STREQ(doc["schema"].GetString(), "e911.alert/v1");
  EXPECT_STREQ(doc["text"].GetString(),
               "EMERGENCY CALL - London HQ\n\n"
               "Caller: Luc Martin x8003\n\n"
               "Callback: +33155550103\n\n"
               "Dialed: 112\n\n"
               "Time: 2026-11-21 10:20:00 GMT (2026-11-21 10:20:00 UTC)\n\n"
               "Location: 12 Rue de l'Exemple, Floor 3, Unit 31, Paris 75011, FR\n\n"
               "Address: 12 Rue de l'Exemple, Floor 3, Unit 31, Paris 75011, FR\n\n"
               "Registration: address registered by the user, validated by an address provider\n\n"
               "Warning: caller on VPN: registered home address used");
  EXPECT_STREQ(doc["call_id"].GetString(), "c-5");
  EXPECT_STREQ(doc["class"].GetString(), "emergency");
  EXPECT_STREQ(doc["dialed"].GetString(), "112");
  EXPECT_STREQ(doc["occurred_at"].GetString(), "2026-11-21T10:20:00.000Z");
  EXPECT_STREQ(doc["local_time"].GetString(), "2026-11-21 10:20:00 GMT");
  EXPECT_STREQ(doc["country"].GetString(), "FR");
  EXPECT_STREQ(doc["site"]["name"].GetString(), "London HQ");
  EXPECT_STREQ(doc["site"]["time_zone"].GetString(), "Europe/London");
  EXPECT_STREQ(doc["caller"]["callback"].GetString(), "+33155550103");
  EXPECT_STREQ(doc["location"]["source"].GetString(), "registered");
  EXPECT_TRUE(doc["location"]["dispatchable"].GetBool());
  EXPECT_TRUE(doc["location"]["validated"].GetBool());
  EXPECT_STREQ(doc["routing"].GetString(), "psap");
  ASSERT_EQ(doc["warnings"].Size(), 1u);
  EXPECT_STREQ(doc["warnings"][0]["code"].GetString(), "vpn");
  EXPECT_STREQ(doc["warnings"][0]["text"].GetString(), "caller on VPN: registered home address used");
  EXPECT_STREQ(doc["notify"].GetString(), "london-security");
}

// Slack treats <...> as links and mentions: a caller named "<!channel>"
// must not ping a whole channel. The facts stay raw (JSON-escaped).
TEST(AlertWebhook, ChatTextEscapesSlackControlCharacters) {
  auto json = with(test_data::kLondonSubnet, R"("name":"John Smith")", R"("name":"<!channel> & <@U123>")");
  const auto body = render_webhook(call_from(json), kLondon);
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  ASSERT_FALSE(doc.HasParseError()) << body;
  const std::string text = doc["text"].GetString();
  EXPECT_TRUE(contains(text, "Caller: &lt;!channel&gt; &amp; &lt;@U123&gt; x5001")) << text;
  EXPECT_FALSE(contains(text, "<!channel>"));
  EXPECT_STREQ(doc["caller"]["name"].GetString(), "<!channel> & <@U123>");
}

TEST(AlertWebhook, EcrcAndGeoFacts) {
  const auto body = render_webhook(call_from(test_data::kNoLocationEcrc), kAustin);
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  ASSERT_FALSE(doc.HasParseError()) << body;
  EXPECT_STREQ(doc["routing"].GetString(), "ecrc");
  EXPECT_FALSE(doc["location"]["dispatchable"].GetBool());
  EXPECT_TRUE(contains(doc["text"].GetString(), phrase::kNoDispatchableLocation));

  const auto geo = render_webhook(call_from(test::read_file(test::source_dir() +
                                                           "/schemas/examples/emergency-call/endpoint-geo-test-call.json")),
                                  kAustin);
  doc.Parse(geo.c_str());
  ASSERT_FALSE(doc.HasParseError()) << geo;
  EXPECT_DOUBLE_EQ(doc["location"]["geo"]["lat"].GetDouble(), 30.2672);
  EXPECT_DOUBLE_EQ(doc["location"]["geo"]["accuracy_m"].GetDouble(), 12.5);
}

// RFC 4231 section 4: test cases 1, 2 and 6 (a key longer than the block).
TEST(AlertWebhook, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(AlertWebhook, SignatureHeader) {
  EXPECT_EQ(kSignatureHeader, "X-E911-Signature");
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(webhook_signature("", "").size(), 7u + 64u);
}

// docs/notifier.md shows this body and signature: keep them true.
TEST(AlertWebhook, DocumentedSignatureExample) {
  if (!have_zoneinfo()) GTEST_SKIP() << "no /usr/share/zoneinfo";
  const auto body = render_webhook(call_from(test_data::kLondonSubnet), kLondon);
  EXPECT_EQ(body.size(), 867u);
  EXPECT_EQ(webhook_signature("example-secret", body),
            "sha256=e0ecc576a2ee0f77e45618512b86232d8df18bd4bb4b1f5a3e84fce6293bb61d");
}

// ---- every real call, every channel ----

TEST(AlertChannels, EveryFixtureCallRendersEverywhere) {
  for (const auto& line : test_data::resolved_fixture_calls()) {
    const auto call = call_from(line);
    const auto m = render_email(call, kAustin);
    EXPECT_TRUE(m.subject.starts_with(std::string(banner(call)) + " - Austin Office - ")) << m.subject;
    EXPECT_TRUE(contains(m.text, call.caller.callback)) << m.text;
    EXPECT_TRUE(is_valid_utf8(m.html));
    rapidjson::Document doc;
    const auto body = render_webhook(call, kAustin);
    doc.Parse(body.c_str());
    EXPECT_FALSE(doc.HasParseError()) << body;
    EXPECT_EQ(doc["warnings"].Size(), call.warnings.size());
  }
}

}  // namespace
}  // namespace e911::notifier
