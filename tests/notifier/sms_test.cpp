// SMS sizing (GSM-7 / UCS-2, segments, cutting) and the SMS alert.

#include "consumers/notifier/sms.h"

#include <gtest/gtest.h>

#include <string>

#include "common/text.h"
#include "consumers/notifier/alert_text.h"
#include "tests/notifier/alert_fixtures.h"
#include "tests/notifier/locator_output.h"

namespace e911::notifier {
namespace {

using test_data::call_from;
using test_data::with;
using test_data::kLondon;
using test_data::kAustin;

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// ---- the GSM 03.38 alphabet ----

TEST(Sms, Gsm7SeptetsPerCharacter) {
  for (char32_t c : std::u32string_view(U"Aa0 @$_!?\n\r£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà")) {
    EXPECT_EQ(gsm7_septets(c), 1) << static_cast<std::uint32_t>(c);
  }
  for (char32_t c : std::u32string_view(U"^{}\\[~]|€\f")) {
    EXPECT_EQ(gsm7_septets(c), 2) << static_cast<std::uint32_t>(c);
  }
  for (char32_t c : std::u32string_view(U"`\t\u00E7\u03B1\u2026\u2019\u00B1\u00FA\u65E5\U0001F691")) {
    EXPECT_EQ(gsm7_septets(c), 0) << static_cast<std::uint32_t>(c);
  }
}

TEST(Sms, EncodingIsGsm7OnlyWhenEveryCharacterIsInTheAlphabet) {
  EXPECT_EQ(sms_encoding("EMERGENCY CALL 911 John Smith x5001"), SmsEncoding::gsm7);
  EXPECT_EQ(sms_encoding("Café Müller, 12 €"), SmsEncoding::gsm7);
  EXPECT_EQ(sms_encoding("ΔΦΓ"), SmsEncoding::gsm7);  // Greek capitals without Latin look-alikes are in GSM-7
  EXPECT_EQ(sms_encoding("Γιώργος"), SmsEncoding::ucs2);
  EXPECT_EQ(sms_encoding("山田太郎"), SmsEncoding::ucs2);
  EXPECT_EQ(sms_encoding("Ana ç"), SmsEncoding::ucs2);  // only capital Ç is in the alphabet
  EXPECT_EQ(sms_encoding("it\u2019s"), SmsEncoding::ucs2);  // a typographic apostrophe is enough
  EXPECT_EQ(sms_encoding("tab\there"), SmsEncoding::ucs2);
  EXPECT_EQ(sms_encoding("\xff"), SmsEncoding::ucs2);  // invalid UTF-8 reads as U+FFFD
  EXPECT_EQ(sms_encoding(""), SmsEncoding::gsm7);
}

TEST(Sms, UnitsCountExtensionCharactersTwiceAndAstralCharactersAsSurrogatePairs) {
  EXPECT_EQ(sms_units("abc"), 3u);
  EXPECT_EQ(sms_units("[x]"), 5u);
  EXPECT_EQ(sms_units("€"), 2u);
  EXPECT_EQ(sms_units("αβγ"), 3u);
  EXPECT_EQ(sms_units("\U0001F691"), 2u);  // 🚑
  EXPECT_EQ(sms_units_as("[x]", SmsEncoding::ucs2), 3u);
  EXPECT_EQ(sms_units_as("αβ", SmsEncoding::gsm7), 2u);
}

// ---- segments ----

TEST(Sms, Gsm7SegmentBoundaries) {
  EXPECT_EQ(sms_segments(""), 0u);
  EXPECT_EQ(sms_segments("a"), 1u);
  EXPECT_EQ(sms_segments(repeat("a", 160)), 1u);
  EXPECT_EQ(sms_segments(repeat("a", 161)), 2u);
  EXPECT_EQ(sms_segments(repeat("a", 306)), 2u);
  EXPECT_EQ(sms_segments(repeat("a", 307)), 3u);
  EXPECT_EQ(sms_segments(repeat("a", 459)), 3u);
  EXPECT_EQ(sms_segments(repeat("a", 460)), 4u);
  EXPECT_EQ(sms_segments(repeat("€", 80)), 1u);  // 160 septets
  EXPECT_EQ(sms_segments(repeat("€", 81)), 2u);
}

TEST(Sms, Ucs2SegmentBoundaries) {
  EXPECT_EQ(sms_segments(repeat("α", 70)), 1u);
  EXPECT_EQ(sms_segments(repeat("α", 71)), 2u);
  EXPECT_EQ(sms_segments(repeat("α", 134)), 2u);
  EXPECT_EQ(sms_segments(repeat("α", 135)), 3u);
  EXPECT_EQ(sms_segments(repeat("\U0001F691", 35)), 1u);  // 70 UTF-16 units
  EXPECT_EQ(sms_segments(repeat("\U0001F691", 36)), 2u);
  // One non-GSM character turns 160 Latin characters into 3 UCS-2 segments.
  EXPECT_EQ(sms_segments(repeat("a", 159) + "ł"), 3u);
}

TEST(Sms, SegmentsNeverSplitAnEscapeOrASurrogatePair) {
  // 152 + 2 + 152 = 306 septets would be 2 segments if the escape sequence
  // could straddle the boundary; it moves whole to the second, so 3.
  EXPECT_EQ(sms_segments(repeat("a", 152) + "€" + repeat("a", 152)), 3u);
  EXPECT_EQ(sms_segments(repeat("a", 151) + "€" + repeat("a", 153)), 2u);
  // The same for a surrogate pair at a UCS-2 boundary: 66 + 2 + 66 = 134.
  EXPECT_EQ(sms_segments(repeat("α", 66) + "\U0001F691" + repeat("α", 66)), 3u);
  EXPECT_EQ(sms_segments(repeat("α", 65) + "\U0001F691" + repeat("α", 67)), 2u);
}

TEST(Sms, FirstSegmentCapacity) {
  EXPECT_EQ(sms_first_segment_capacity("short"), 160u);
  EXPECT_EQ(sms_first_segment_capacity(repeat("a", 200)), 153u);
  EXPECT_EQ(sms_first_segment_capacity("ω"), 70u);
  EXPECT_EQ(sms_first_segment_capacity(repeat("ω", 71)), 67u);
}

// ---- cutting ----

TEST(Sms, TruncateLeavesAFittingMessageAlone) {
  EXPECT_EQ(truncate_sms("hello", 1), "hello");
  EXPECT_EQ(truncate_sms(repeat("a", 459), 3), repeat("a", 459));
}

TEST(Sms, TruncateCutsGsm7WithThreeDots) {
  const auto text = repeat("word ", 200);
  const auto cut = truncate_sms(text, 3);
  EXPECT_EQ(sms_encoding(cut), SmsEncoding::gsm7);
  EXPECT_EQ(sms_segments(cut), 3u);
  EXPECT_TRUE(cut.ends_with("word...")) << cut;
  EXPECT_EQ(text.rfind(cut.substr(0, cut.size() - 3), 0), 0u);
  EXPECT_GE(sms_units(cut), 445u);  // uses the room it has
}

TEST(Sms, TruncateCutsUcs2WithAnEllipsisCharacter) {
  const auto text = repeat("Γιώργος ", 60);
  const auto cut = truncate_sms(text, 2);
  EXPECT_EQ(sms_encoding(cut), SmsEncoding::ucs2);
  EXPECT_EQ(sms_segments(cut), 2u);
  EXPECT_TRUE(cut.ends_with("Γιώργος\u2026")) << cut;  // on a whole word
  EXPECT_GE(sms_units(cut), 134u - 12);
}

// At every length, in every script: the cut is valid UTF-8 and never lands
// inside a character or between the halves of a surrogate pair.
TEST(Sms, TruncateNeverSplitsACharacter) {
  for (std::string_view unit : {"a", "é", "€", "ω", "日", "\U0001F691", "a\U0001F691"}) {
    for (std::size_t n = 1; n < 260; n += 3) {
      const auto text = repeat(unit, n);
      for (std::size_t segments = 1; segments <= 3; ++segments) {
        const auto cut = truncate_sms(text, segments);
        ASSERT_TRUE(is_valid_utf8(cut)) << unit << " x" << n;
        ASSERT_LE(sms_segments(cut), segments) << unit << " x" << n;
      }
    }
  }
}

// ---- the SMS alert ----

TEST(SmsAlert, LondonCallExactly) {
  EXPECT_EQ(render_sms(call_from(test_data::kLondonSubnet), kLondon),
            "EMERGENCY CALL 112\n"
            "John Smith x5001\n"
            "Callback +442079460101\n"
            "London HQ, Level 4\n"
            "21 Nov 10:15 GMT (10:15 UTC)\n"
            "Address: North Tower, 1 Example Road, Floor 4, London EC1A 1AA, GB");
}

TEST(SmsAlert, VpnCallNamesTheWarningAndSkipsTheRepeatedAddress) {
  const auto sms = render_sms(call_from(test_data::kParisVpn), kLondon);
  EXPECT_EQ(sms,
            "EMERGENCY CALL 112\n"
            "Luc Martin x8003\n"
            "Callback +33155550103\n"
            "12 Rue de l'Exemple, Floor 3, Unit 31, Paris 75011, FR\n"
            "21 Nov 10:20 GMT (10:20 UTC)\n"
            "caller on VPN: registered home address used\n"
            "Registration: address registered by the user, validated by an address provider");
  EXPECT_EQ(sms_segments(sms), 2u);
}

TEST(SmsAlert, TestCallCarriesTheTestBanner) {
  const auto sms = render_sms(call_from(test_data::kTestCall933), kAustin);
  EXPECT_TRUE(sms.starts_with("TEST CALL 933\n")) << sms;
  EXPECT_NE(sms.find("21 Nov 08:00 CST (14:00 UTC)"), std::string::npos) << sms;
}

TEST(SmsAlert, NoDispatchableLocationIsSaidInFull) {
  const auto sms = render_sms(call_from(test_data::kNoLocationEcrc), kAustin);
  EXPECT_EQ(sms,
            "EMERGENCY CALL 911\n"
            "Sam Lee x9004\n"
            "Callback +15125550177\n"
            "NO DISPATCHABLE LOCATION: call routed to the emergency relay centre\n"
            "21 Nov 06:30 CST (12:30 UTC)\n"
            "caller on an unknown network");
}

// A Greek name forces UCS-2: 70 characters a message, 67 a segment. The
// alert still fits 3 segments, essentials first and complete.
TEST(SmsAlert, GreekCallerForcesUcs2) {
  auto json = with(test_data::kLondonSubnet, R"("name":"John Smith")", R"("name":"Γιώργος Παπαδόπουλος")");
  const auto sms = render_sms(call_from(json), kLondon);
  EXPECT_EQ(sms_encoding(sms), SmsEncoding::ucs2);
  EXPECT_LE(sms_segments(sms), 3u);
  EXPECT_TRUE(sms.starts_with("EMERGENCY CALL 112\nΓιώργος Παπαδόπουλος x5001\nCallback +442079460101\n"))
      << sms;
  EXPECT_NE(sms.find("London HQ, Level 4"), std::string::npos);
  EXPECT_NE(sms.find("10:15 GMT"), std::string::npos);
  EXPECT_TRUE(is_valid_utf8(sms));
  // UCS-2 cut marks use the ellipsis character, never "...".
  EXPECT_EQ(sms.find("..."), std::string::npos);
}

TEST(SmsAlert, JapaneseCallerAndLongAddressIsCutInTheTail) {
  auto json = with(test_data::kLondonSubnet, R"("name":"John Smith")", R"("name":"山田太郎")");
  json = with(json, R"("building":"North Tower")",
              R"("building":"North Tower, East Wing, behind the staff car park and the loading bay")");
  const auto sms = render_sms(call_from(json), kLondon);
  EXPECT_EQ(sms_encoding(sms), SmsEncoding::ucs2);
  EXPECT_EQ(sms_segments(sms), 3u);
  EXPECT_TRUE(sms.starts_with("EMERGENCY CALL 112\n山田太郎 x5001\nCallback +442079460101\nLondon HQ, Level 4\n"))
      << sms;
  EXPECT_TRUE(sms.ends_with("\u2026")) << sms;
  EXPECT_NE(sms.find("Address: North Tower"), std::string::npos);
  EXPECT_TRUE(is_valid_utf8(sms));
}

// GSM-7: the essentials sit inside the first 153 septets even when the tail
// overflows the message and several warnings apply; only the tail is cut.
TEST(SmsAlert, EssentialsStayInTheFirstSegmentWhenTheTailIsCut) {
  auto json = with(test_data::kParisVpn, R"("warnings":["vpn"])",
                   R"("warnings":["vpn","missing-unit","stale-location","unknown-network","dial-prefix"])");
  json = with(json, R"("street":"Rue de l'Exemple")",
              R"("street":"Rue de l'Exemple prolongee au-dela du pont, batiment C, escalier 4, cote jardin, porte gauche")");
  json = with(json, R"("label":"12 Rue de l'Exemple, Floor 3, Unit 31, Paris 75011, FR")",
              R"("label":"Home of Luc Martin: 12 Rue de l'Exemple prolongee, batiment C, escalier 4, cote jardin, Paris")");
  const auto sms = render_sms(call_from(json), kLondon);
  EXPECT_EQ(sms_encoding(sms), SmsEncoding::gsm7);
  EXPECT_LE(sms_segments(sms), 3u);
  EXPECT_TRUE(sms.ends_with("...")) << sms;
  const auto first_warning = sms.find("caller on VPN: registered home address used");
  ASSERT_NE(first_warning, std::string::npos) << sms;
  const auto essentials = sms.substr(0, first_warning);
  EXPECT_LE(sms_units(essentials), kGsm7Segment) << essentials;
  EXPECT_NE(essentials.find("Callback +33155550103"), std::string::npos);
  EXPECT_NE(essentials.find("10:20 GMT (10:20 UTC)"), std::string::npos);
  EXPECT_NE(essentials.find("Home of Luc Martin"), std::string::npos);
}

// A name or label too long for the first segment is shortened, not lost.
TEST(SmsAlert, AbsurdlyLongFieldsAreShortenedToFit) {
  const std::string long_name(500, 'N');
  auto json = with(test_data::kLondonSubnet, R"("name":"John Smith")", R"("name":")" + long_name + R"(")");
  json = with(json, R"("label":"London HQ, Level 4")", R"("label":")" + repeat("Level 4 ", 60) + R"(")");
  const auto sms = render_sms(call_from(json), kLondon);
  EXPECT_LE(sms_segments(sms), 3u);
  const auto time = sms.find("21 Nov 10:15 GMT (10:15 UTC)");
  ASSERT_NE(time, std::string::npos) << sms;
  EXPECT_LE(sms_units(sms.substr(0, time + 28)), kGsm7Segment) << sms;
  EXPECT_NE(sms.find("Callback +442079460101"), std::string::npos);
  EXPECT_NE(sms.find("NNNNNNNNNN..."), std::string::npos) << sms;
}

TEST(SmsAlert, EveryFixtureCallFitsWithEssentialsInTheFirstSegment) {
  for (const auto& line : test_data::resolved_fixture_calls()) {
    const auto call = call_from(line);
    const auto sms = render_sms(call, kAustin);
    EXPECT_LE(sms_segments(sms), 3u) << sms;
    EXPECT_EQ(sms_encoding(sms), SmsEncoding::gsm7) << sms;
    EXPECT_TRUE(sms.starts_with(std::string(banner(call)) + " " + call.dialed + "\n")) << sms;
    EXPECT_NE(sms.find(call.caller.callback), std::string::npos) << sms;
  }
}

}  // namespace
}  // namespace e911::notifier
