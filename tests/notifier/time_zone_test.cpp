// Site local time from the system zoneinfo (TZif files and POSIX TZ rules).
// Suite names start with "Alert" so the alert test filter runs them too.

#include "consumers/notifier/time_zone.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <string>

#include "tests/support/files.h"
#include "tests/notifier/alert_fixtures.h"

namespace e911::notifier {
namespace {

using test_data::have_zoneinfo;

EpochMillis at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

std::string zone_at(const TimeZone& z, const char* when) {
  const auto& t = z.at(at(when));
  return t.abbreviation + " " + std::to_string(t.utc_offset_s);
}

// An instant (RFC 3339) and the zone_at() a zone must give for it.
struct ZoneTimeCase {
  const char* instant;
  const char* expected;
};

void expect_zone_times(const TimeZone& z, std::initializer_list<ZoneTimeCase> cases) {
  for (const auto& c : cases) EXPECT_EQ(zone_at(z, c.instant), c.expected) << c.instant;
}

TimeZone rule_zone(const char* rule) {
  auto z = TimeZone::from_posix_rule(rule);
  EXPECT_TRUE(z) << rule << ": " << z.error().message;
  return z ? *z : *TimeZone::from_posix_rule("UTC0");
}

std::string zoneinfo(const std::string& name) { return "/usr/share/zoneinfo/" + name; }

// ---- POSIX TZ rules ----

TEST(AlertTimeZoneRule, EuropeanRuleChangesAtOneUtc) {
  const auto z = rule_zone("GMT0BST,M3.5.0/1,M10.5.0");
  expect_zone_times(z, {
                           {"2026-03-29T00:59:59Z", "GMT 0"},
                           {"2026-03-29T01:00:00Z", "BST 3600"},
                           {"2026-10-25T00:59:59Z", "BST 3600"},
                           {"2026-10-25T01:00:00Z", "GMT 0"},
                       });
}

TEST(AlertTimeZoneRule, UsRule) {
  const auto z = rule_zone("CST6CDT,M3.2.0,M11.1.0");
  expect_zone_times(z, {
                           {"2026-03-08T07:59:59Z", "CST -21600"},
                           {"2026-03-08T08:00:00Z", "CDT -18000"},
                           {"2026-11-01T06:59:59Z", "CDT -18000"},
                           {"2026-11-01T07:00:00Z", "CST -21600"},
                       });
}

TEST(AlertTimeZoneRule, SouthernHemisphereDaylightSpansNewYear) {
  const auto z = rule_zone("AEST-10AEDT,M10.1.0,M4.1.0/3");
  expect_zone_times(z, {
                           {"2026-01-15T00:00:00Z", "AEDT 39600"},
                           {"2026-04-04T15:59:59Z", "AEDT 39600"},
                           {"2026-04-04T16:00:00Z", "AEST 36000"},
                           {"2026-10-03T15:59:59Z", "AEST 36000"},
                           {"2026-10-03T16:00:00Z", "AEDT 39600"},
                           {"2026-12-31T14:00:00Z", "AEDT 39600"},  // already 2027 locally
                       });
}

TEST(AlertTimeZoneRule, QuotedNamesNegativeAndLateRuleTimes) {
  EXPECT_EQ(zone_at(rule_zone("<+0530>-5:30"), "2026-06-01T00:00:00Z"), "+0530 19800");
  // America/Nuuk: changes at -1:00 and 0:00 local, i.e. with the EU at 01:00 UTC.
  const auto nuuk = rule_zone("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  expect_zone_times(nuuk, {
                              {"2026-03-29T00:59:59Z", "-02 -7200"},
                              {"2026-03-29T01:00:00Z", "-01 -3600"},
                              {"2026-10-25T01:00:00Z", "-02 -7200"},
                          });
  // Israel: 4th Thursday of March at 26:00, i.e. Friday 02:00.
  const auto israel = rule_zone("IST-2IDT,M3.4.4/26,M10.5.0");
  expect_zone_times(israel, {
                                {"2026-03-26T23:59:59Z", "IST 7200"},
                                {"2026-03-27T00:00:00Z", "IDT 10800"},
                            });
}

TEST(AlertTimeZoneRule, JulianDaysWithAndWithoutLeapDay) {
  const auto julian = rule_zone("AAA0BBB,J60/0,J300/0");  // J60 is always March 1st
  expect_zone_times(julian, {
                                {"2028-02-29T12:00:00Z", "AAA 0"},
                                {"2028-03-01T00:00:00Z", "BBB 3600"},
                            });
  const auto zero_based = rule_zone("AAA0BBB,59/0,300/0");  // day 59 is Feb 29th in a leap year
  expect_zone_times(zero_based, {
                                    {"2028-02-29T00:00:00Z", "BBB 3600"},
                                    {"2027-02-28T12:00:00Z", "AAA 0"},
                                    {"2027-03-01T00:00:00Z", "BBB 3600"},
                                });
}

TEST(AlertTimeZoneRule, RejectsMalformedRules) {
  for (const char* bad : {"", "G0", "GMT", "GMT0BST", "GMT0BST,M13.1.0,M10.5.0", "GMT0BST,M3.6.0,M10.5.0",
                          "GMT0BST,M3.5.7,M10.5.0", "GMT0BST,M3.5.0/200,M10.5.0", "GMT0BST,M3.5.0,M10.5.0junk",
                          "<+05", "GMT99", "GMT0BST,J0,J300", "GMT0BST,366,J300"}) {
    EXPECT_FALSE(PosixTzRule::parse(bad)) << bad;
  }
}

// ---- TZif files ----

// A minimal version-2 TZif: one local type and a footer rule, no
// transitions (the shape of a "slim" file for a zone with a fixed rule).
std::string slim_tzif(const std::string& footer) {
  const auto u32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                       static_cast<char>(v)};
  };
  std::string header = "TZif2" + std::string(15, '\0');
  header += u32(0) + u32(0) + u32(0) + u32(0) + u32(1) + u32(4);  // isut isstd leap time type char
  const std::string block = u32(0) + std::string{'\0', '\0'} + std::string("GMT\0", 4);
  return header + block + header + block + "\n" + footer + "\n";
}

TEST(AlertTimeZoneFile, SlimFileFollowsItsFooterRule) {
  auto z = TimeZone::from_tzif(slim_tzif("GMT0BST,M3.5.0/1,M10.5.0"));
  ASSERT_TRUE(z) << z.error().message;
  expect_zone_times(*z, {
                            {"2026-01-01T00:00:00Z", "GMT 0"},
                            {"2026-07-01T00:00:00Z", "BST 3600"},
                        });
  auto fixed = TimeZone::from_tzif(slim_tzif(""));
  ASSERT_TRUE(fixed) << fixed.error().message;
  EXPECT_EQ(zone_at(*fixed, "2026-07-01T00:00:00Z"), "GMT 0");
}

TEST(AlertTimeZoneFile, CorruptFilesAreRejectedNeverCrash) {
  const auto good = slim_tzif("GMT0BST,M3.5.0/1,M10.5.0");
  for (std::size_t n = 0; n < good.size() - 1; ++n) EXPECT_FALSE(TimeZone::from_tzif(good.substr(0, n))) << n;
  EXPECT_FALSE(TimeZone::from_tzif("not a zone file at all, just text"));
  EXPECT_FALSE(TimeZone::from_tzif(slim_tzif("GMT0BST,bogus")));
  if (have_zoneinfo()) {
    const auto london = test::read_file(zoneinfo("Europe/London"));
    for (std::size_t n = 0; n < london.size(); n += 97) {
      auto z = TimeZone::from_tzif(london.substr(0, n));
      EXPECT_FALSE(z) << n;
    }
    std::string flipped = london;
    for (std::size_t i = 20; i < 44; ++i) flipped[i] = '\xff';  // absurd counts
    EXPECT_FALSE(TimeZone::from_tzif(flipped));
  }
}

TEST(AlertTimeZoneFile, SystemZones) {
  if (!have_zoneinfo()) GTEST_SKIP() << "no /usr/share/zoneinfo (Debian package tzdata)";
  const auto london = find_time_zone("Europe/London");
  ASSERT_TRUE(london);
  expect_zone_times(*london, {
                                 {"2026-11-21T10:15:00Z", "GMT 0"},
                                 {"2026-03-29T00:59:59Z", "GMT 0"},
                                 {"2026-03-29T01:00:00Z", "BST 3600"},
                                 {"2100-07-01T12:00:00Z", "BST 3600"},  // past the file's transitions: footer rule
                                 {"1800-01-01T00:00:00Z", "LMT -75"},   // before the first: local mean time
                             });
  EXPECT_EQ(zone_at(*find_time_zone("America/Chicago"), "2026-11-21T14:00:00Z"), "CST -21600");
  EXPECT_EQ(zone_at(*find_time_zone("Australia/Sydney"), "2026-01-15T00:00:00Z"), "AEDT 39600");
  EXPECT_EQ(zone_at(*find_time_zone("Asia/Kolkata"), "2026-07-01T00:00:00Z"), "IST 19800");
  EXPECT_EQ(zone_at(*find_time_zone("America/Sao_Paulo"), "2026-01-15T00:00:00Z"), "-03 -10800");
  EXPECT_EQ(find_time_zone("Europe/London"), london);  // cached: read once
}

TEST(AlertTimeZoneFile, NamesThatAreNotZonesNeverReachTheFileSystem) {
  for (const char* name : {"", "/etc/passwd", "../../etc/passwd", "Europe/../../etc/passwd", "Europe//London",
                           "Europe/London/", ".hidden", "Europe/.London", "Mars/Olympus_Mons", "Europe/London\n"}) {
    EXPECT_EQ(find_time_zone(name), nullptr) << name;
  }
}

TEST(AlertTimeZoneCivil, FieldsAndFlooring) {
  const auto c = civil_time(at("2026-11-21T23:30:00.999Z"), 3600);
  EXPECT_EQ(c.year, 2026);
  EXPECT_EQ(c.month, 11u);
  EXPECT_EQ(c.day, 22u);
  EXPECT_EQ(c.hour, 0u);
  EXPECT_EQ(c.minute, 30u);
  EXPECT_EQ(c.second, 0u);
  const auto before_epoch = civil_time(-500);  // 1969-12-31T23:59:59.500Z
  EXPECT_EQ(before_epoch.year, 1969);
  EXPECT_EQ(before_epoch.second, 59u);
}

}  // namespace
}  // namespace e911::notifier
