#include "registry/dial_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <phonenumbers/phonenumberutil.h>
#include <phonenumbers/shortnumberinfo.h>

#include <atomic>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/text.h"
#include "registry/registry_loader.h"
#include "tests/support/files.h"

namespace e911::registry {
namespace {

// The countries and prefixes of ../shared/fixtures/registry.yaml.
DialPlan reference_plan() {
  return DialPlan({{"GB", {{"999", "112"}, {}}},
                   {"US", {{"911"}, {"933"}}},
                   {"FR", {{"112", "15", "17", "18"}, {}}}},
                  {"9"});
}

// A plan with no registry knowledge: built-ins only.
const DialPlan& builtin_plan() {
  static const DialPlan plan({}, {});
  return plan;
}

std::set<std::string> supported_regions() {
  std::set<std::string> regions;
  i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
  return regions;
}

// Every digit string of 1 to `max_len` digits, "0" and "00" included.
std::vector<std::string> all_numbers_up_to(std::size_t max_len) {
  std::vector<std::string> out;
  std::vector<std::string> layer = {""};
  for (std::size_t len = 1; len <= max_len; ++len) {
    std::vector<std::string> next;
    for (const auto& s : layer) {
      for (char d = '0'; d <= '9'; ++d) next.push_back(s + d);
    }
    out.insert(out.end(), next.begin(), next.end());
    layer = std::move(next);
  }
  return out;
}

MATCHER_P3(Classified, cls, via_prefix, number, "") {
  return arg.cls == cls && arg.via_dial_prefix == via_prefix && arg.number == number;
}

TEST(DialPlan, ClassifiesTheReferenceExamples) {
  const DialPlan plan = reference_plan();
  EXPECT_THAT(plan.classify("112", "GB"), Classified(CallClass::emergency, false, "112"));
  EXPECT_THAT(plan.classify("999", "GB"), Classified(CallClass::emergency, false, "999"));
  EXPECT_THAT(plan.classify("9911", "US"), Classified(CallClass::emergency, true, "911"));
  EXPECT_THAT(plan.classify("9-911", "US"), Classified(CallClass::emergency, true, "911"));
  EXPECT_THAT(plan.classify("933", "US"), Classified(CallClass::test, false, "933"));
  EXPECT_THAT(plan.classify("9933", "US"), Classified(CallClass::test, true, "933"));
  EXPECT_THAT(plan.classify("15", "FR"), Classified(CallClass::emergency, false, "15"));
  EXPECT_THAT(plan.classify("5125550199", "US"), Classified(CallClass::none, false, ""));
  EXPECT_THAT(plan.classify("911", "GB"), Classified(CallClass::none, false, ""));
}

TEST(DialPlan, UnlistedCountriesUseLibphonenumber) {
  const DialPlan plan = reference_plan();
  EXPECT_THAT(plan.classify("000", "AU"), Classified(CallClass::emergency, false, "000"));
  EXPECT_THAT(plan.classify("112", "DE"), Classified(CallClass::emergency, false, "112"));
  EXPECT_THAT(plan.classify("110", "DE"), Classified(CallClass::emergency, false, "110"));  // Polizei
  EXPECT_THAT(plan.classify("9112", "DE"), Classified(CallClass::emergency, true, "112"));
  EXPECT_THAT(plan.classify("113", "DE"), Classified(CallClass::none, false, ""));
  // Exact match only: libphonenumber's ConnectsToEmergencyNumber would take these.
  EXPECT_THAT(plan.classify("1120", "DE"), Classified(CallClass::none, false, ""));
  EXPECT_THAT(plan.classify("0001", "AU"), Classified(CallClass::none, false, ""));
  // The longest built-in numbers (6 digits) and the shortest (2 digits).
  EXPECT_THAT(plan.classify("723141", "NE"), Classified(CallClass::emergency, false, "723141"));
  EXPECT_THAT(plan.classify("9723141", "NE"), Classified(CallClass::emergency, true, "723141"));
  EXPECT_THAT(plan.classify("201606", "ER"), Classified(CallClass::emergency, false, "201606"));
  EXPECT_THAT(plan.classify("90", "BZ"), Classified(CallClass::emergency, false, "90"));
}

TEST(DialPlan, LeadingZerosAreDistinctNumbers) {
  // RU's emergency numbers include 01 and 101 but not 1; the built-in answers
  // are remembered per number and must not mix these up.
  const DialPlan& plan = builtin_plan();
  EXPECT_EQ(plan.classify("01", "RU").cls, CallClass::emergency);
  EXPECT_EQ(plan.classify("101", "RU").cls, CallClass::emergency);
  EXPECT_EQ(plan.classify("1", "RU").cls, CallClass::none);
  EXPECT_EQ(plan.classify("001", "RU").cls, CallClass::none);
  EXPECT_EQ(plan.classify("0101", "RU").cls, CallClass::none);
}

TEST(DialPlan, BuiltinTestNumberIs933InUsAndCanadaOnly) {
  const DialPlan& plan = builtin_plan();
  EXPECT_THAT(plan.classify("933", "US"), Classified(CallClass::test, false, "933"));
  EXPECT_THAT(plan.classify("933", "CA"), Classified(CallClass::test, false, "933"));
  EXPECT_EQ(plan.classify("933", "GB").cls, CallClass::none);
  EXPECT_EQ(plan.classify("933", "MX").cls, CallClass::none);
  EXPECT_EQ(plan.classify("911", "US").cls, CallClass::emergency);
  EXPECT_EQ(plan.classify("112", "US").cls, CallClass::emergency);  // libphonenumber lists both
}

TEST(DialPlan, ListedCountryUsesOnlyItsListedNumbers) {
  const DialPlan plan({{"DE", {{"110"}, {}}}, {"US", {{"911"}, {}}}, {"AQ", {{"555"}, {"556"}}}}, {});
  EXPECT_EQ(plan.classify("110", "DE").cls, CallClass::emergency);
  EXPECT_EQ(plan.classify("112", "DE").cls, CallClass::none);  // built-in, but replaced
  EXPECT_EQ(plan.classify("933", "US").cls, CallClass::none);  // built-in test number replaced too
  EXPECT_EQ(plan.classify("112", "US").cls, CallClass::none);
  EXPECT_EQ(plan.classify("555", "AQ").cls, CallClass::emergency);
  EXPECT_EQ(plan.classify("556", "AQ").cls, CallClass::test);
  EXPECT_EQ(plan.classify("112", "FR").cls, CallClass::emergency);  // unlisted: built-in
  EXPECT_EQ(plan.classify("933", "CA").cls, CallClass::test);
}

TEST(DialPlan, ListedNumbersLongerThanBuiltinOnesWork) {
  const DialPlan plan({{"XK", {{"12345678"}, {}}}}, {"0"});
  EXPECT_THAT(plan.classify("12345678", "XK"), Classified(CallClass::emergency, false, "12345678"));
  EXPECT_THAT(plan.classify("012345678", "XK"), Classified(CallClass::emergency, true, "12345678"));
  EXPECT_TRUE(plan.maybe_emergency("012345678"));
  EXPECT_FALSE(plan.maybe_emergency("0123456789"));
}

TEST(DialPlan, EmergencyWinsOverTestForTheSameNumber) {
  const DialPlan plan({{"US", {{"911"}, {"911", "933"}}}}, {});
  EXPECT_EQ(plan.classify("911", "US").cls, CallClass::emergency);
}

TEST(DialPlan, IgnoresSeparators) {
  const DialPlan plan = reference_plan();
  for (const char* dialed : {"9 911", "9-9-1-1", "(9) 911", "9.911", " 9911 ", "9--911", "(9)(911)"}) {
    EXPECT_THAT(plan.classify(dialed, "US"), Classified(CallClass::emergency, true, "911")) << dialed;
  }
  EXPECT_THAT(plan.classify("1 1 2", "GB"), Classified(CallClass::emergency, false, "112"));
  EXPECT_EQ(plan.classify(" - ", "GB").cls, CallClass::none);
  EXPECT_EQ(plan.classify("", "GB").cls, CallClass::none);
}

TEST(DialPlan, AnyOtherCharacterMeansNotAnEmergencyCall) {
  const DialPlan plan = reference_plan();
  for (const char* dialed : {"+911", "+44999", "*911", "911#", "#999", "9II", "911a", "\t911", "911\n", "9/911",
                             "999,", "tel:999"}) {
    EXPECT_EQ(plan.classify(dialed, "US").cls, CallClass::none) << dialed;
    EXPECT_EQ(plan.classify(dialed, "GB").cls, CallClass::none) << dialed;
    EXPECT_FALSE(plan.maybe_emergency(dialed)) << dialed;
  }
}

TEST(DialPlan, DialPrefixes) {
  const DialPlan plan = reference_plan();
  // An exact match is not read as prefix + number.
  EXPECT_THAT(plan.classify("999", "GB"), Classified(CallClass::emergency, false, "999"));
  EXPECT_THAT(plan.classify("9999", "GB"), Classified(CallClass::emergency, true, "999"));
  EXPECT_EQ(plan.classify("9", "US").cls, CallClass::none);   // prefix alone
  EXPECT_EQ(plan.classify("99", "US").cls, CallClass::none);
  EXPECT_EQ(plan.classify("99911", "US").cls, CallClass::none);  // one prefix, not two
  EXPECT_EQ(plan.classify("8911", "US").cls, CallClass::none);   // not a configured prefix
  EXPECT_EQ(plan.classify("9112", "GB").cls, CallClass::emergency);

  const DialPlan without_prefixes({{"US", {{"911"}, {}}}}, {});
  EXPECT_EQ(without_prefixes.classify("9911", "US").cls, CallClass::none);
}

TEST(DialPlan, LongestDialPrefixIsTriedFirst) {
  // "0015" is 00 + 15 (emergency) or 0 + 015 (test): the longer prefix wins,
  // whatever order the registry lists them in.
  for (const std::vector<std::string>& prefixes :
       {std::vector<std::string>{"0", "00"}, std::vector<std::string>{"00", "0"}}) {
    const DialPlan plan({{"FR", {{"15"}, {"015"}}}}, prefixes);
    EXPECT_THAT(plan.classify("0015", "FR"), Classified(CallClass::emergency, true, "15"));
    EXPECT_THAT(plan.classify("0015", "fr"), Classified(CallClass::emergency, true, "15"));
  }
}

TEST(DialPlan, UnknownOrMalformedCountryGivesNone) {
  const DialPlan plan = reference_plan();
  for (const char* country : {"", "ZZ", "XX", "USA", "U", "U1", "1", "G B", "\xc3\x9c\x53"}) {
    EXPECT_EQ(plan.classify("911", country).cls, CallClass::none) << country;
    EXPECT_EQ(plan.classify("112", country).cls, CallClass::none) << country;
  }
  EXPECT_EQ(plan.classify("911", std::string_view("US\0", 3)).cls, CallClass::none);
  // Case does not matter.
  EXPECT_EQ(plan.classify("911", "us").cls, CallClass::emergency);
  EXPECT_EQ(plan.classify("110", "de").cls, CallClass::emergency);
}

TEST(DialPlan, HostileDialedStrings) {
  const DialPlan plan = reference_plan();
  const std::vector<std::string> hostile = {
      std::string(1 << 20, '9'),
      std::string(1 << 20, ' ') + "911",
      "911" + std::string(1 << 20, '-'),
      std::string("911\0", 4),
      std::string("\0" "911", 4),
      std::string("9\0" "11", 4),
      "\xef\xbc\x99\xef\xbc\x91\xef\xbc\x91",  // full-width 911, which libphonenumber would accept
      "\xd9\xa9\xd9\xa1\xd9\xa1",              // Arabic-Indic 911
      "\xff\xfe" "911",
      "911\xc2\xa0",                           // no-break space is not a separator
  };
  for (const auto& dialed : hostile) {
    EXPECT_EQ(plan.classify(dialed, "US").cls, CallClass::none) << dialed.size();
    EXPECT_FALSE(plan.maybe_emergency(dialed)) << dialed.size();
  }
  // Separators up to the character limit are fine.
  const std::string spaced = std::string(DialPlan::kMaxDialedChars - 3, ' ') + "911";
  EXPECT_EQ(plan.classify(spaced, "US").cls, CallClass::emergency);
  EXPECT_EQ(plan.classify(" " + spaced, "US").cls, CallClass::none);
}

TEST(DialPlan, MaybeEmergencyRejectsOrdinaryTraffic) {
  const DialPlan plan = reference_plan();
  for (const char* ordinary : {"5125550199", "+442079460101", "95125550199", "sip:5001@example.com", "", "()"}) {
    EXPECT_FALSE(plan.maybe_emergency(ordinary)) << ordinary;
  }
  for (const char* emergency : {"911", "9-911", "723141", "9723141"}) {
    EXPECT_TRUE(plan.maybe_emergency(emergency)) << emergency;
  }
  EXPECT_EQ(plan.max_dialed_digits(), DialPlan::kMaxBuiltinDigits + 1);
}

// The built-in table is libphonenumber's, exactly, for every region and every
// number of up to three digits; and the pre-filter never drops one of them,
// however it is dialed.
TEST(DialPlan, BuiltinsMatchLibphonenumberAndPassThePrefilter) {
  const i18n::phonenumbers::ShortNumberInfo info;
  const DialPlan with_prefix({}, {"9"});
  const auto regions = supported_regions();
  ASSERT_GT(regions.size(), 200u);
  std::size_t emergencies = 0;
  for (const auto& region : regions) {
    for (const auto& number : all_numbers_up_to(3)) {
      const bool expected = info.IsEmergencyNumber(number, region);
      const Classification got = builtin_plan().classify(number, region);
      const bool is_test = (region == "US" || region == "CA") && number == "933";
      ASSERT_EQ(got.cls, expected ? CallClass::emergency : is_test ? CallClass::test : CallClass::none)
          << region << " " << number;
      if (got.cls == CallClass::none) continue;
      ++emergencies;
      EXPECT_TRUE(builtin_plan().maybe_emergency(number)) << region << " " << number;
      EXPECT_TRUE(with_prefix.maybe_emergency("9" + number)) << region << " " << number;
      EXPECT_TRUE(with_prefix.maybe_emergency("9-" + number + " ")) << region << " " << number;
      // "9 91" in ET is 991, itself an emergency number there: exact wins.
      const Classification exact = builtin_plan().classify("9" + number, region);
      const Classification dialed = with_prefix.classify("9 " + number, region);
      if (exact.cls != CallClass::none) {
        EXPECT_THAT(dialed, Classified(exact.cls, false, "9" + number)) << region << " " << number;
      } else {
        EXPECT_THAT(dialed, Classified(got.cls, true, number)) << region << " " << number;
      }
    }
  }
  EXPECT_GT(emergencies, 600u);  // ~700 in libphonenumber 8.12
}

// The same property for registry-listed numbers and prefixes: whatever
// classify() accepts in any country, maybe_emergency() accepts.
TEST(DialPlan, PrefilterNeverDropsWhatClassifyAccepts) {
  const DialPlan plan({{"GB", {{"999", "112"}, {}}}, {"US", {{"911"}, {"933"}}}, {"XK", {{"12345678"}, {"7"}}}},
                      {"9", "0", "81"});
  const std::vector<std::string> countries = {"GB", "US", "XK", "DE", "AU", "CA", "NE", "ZZ", ""};
  std::size_t accepted = 0;
  for (const auto& number : all_numbers_up_to(3)) {
    for (const auto& dialed : {number, "9" + number, "81-" + number, "(0) " + number}) {
      bool any = false;
      for (const auto& country : countries) any = any || plan.classify(dialed, country).cls != CallClass::none;
      if (!any) continue;
      ++accepted;
      EXPECT_TRUE(plan.maybe_emergency(dialed)) << dialed;
    }
  }
  for (const char* dialed : {"12345678", "912345678", "8112345678", "(81) 1234-5678"}) {
    EXPECT_EQ(plan.classify(dialed, "XK").cls, CallClass::emergency) << dialed;
    EXPECT_TRUE(plan.maybe_emergency(dialed)) << dialed;
  }
  EXPECT_GT(accepted, 50u);  // the loop did test something
}

TEST(DialPlan, ConcurrentClassificationAgrees) {
  // No dial prefix, so the answers are libphonenumber's alone.
  const DialPlan plan({{"GB", {{"999", "112"}, {}}}}, {});
  const std::vector<std::string> regions = {"DE", "AU", "JP", "IN", "BR", "RU", "ZA", "SE", "NE", "CA"};
  // Expected answers first, single-threaded, straight from libphonenumber.
  const i18n::phonenumbers::ShortNumberInfo info;
  const auto numbers = all_numbers_up_to(3);
  std::vector<std::vector<bool>> expected(regions.size());
  for (std::size_t r = 0; r < regions.size(); ++r) {
    for (const auto& n : numbers) expected[r].push_back(info.IsEmergencyNumber(n, regions[r]));
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < regions.size(); ++i) {
        const std::size_t r = (i + static_cast<std::size_t>(t)) % regions.size();
        for (std::size_t k = 0; k < numbers.size(); ++k) {
          const bool is_test = regions[r] == "CA" && numbers[k] == "933";
          const CallClass want = expected[r][k] ? CallClass::emergency : is_test ? CallClass::test : CallClass::none;
          if (plan.classify(numbers[k], regions[r]).cls != want) ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(DialPlan, RejectsMalformedConfiguration) {
  EXPECT_THROW(DialPlan({{"GB", {{"99a"}, {}}}}, {}), std::invalid_argument);
  EXPECT_THROW(DialPlan({{"GB", {{""}, {}}}}, {}), std::invalid_argument);
  EXPECT_THROW(DialPlan({{"GB", {{"999"}, {"+44"}}}}, {}), std::invalid_argument);
  EXPECT_THROW(DialPlan({{"GB", {{std::string(16, '1')}, {}}}}, {}), std::invalid_argument);
  EXPECT_THROW(DialPlan({{"GBR", {{"999"}, {}}}}, {}), std::invalid_argument);
  EXPECT_THROW(DialPlan({}, {""}), std::invalid_argument);
  EXPECT_THROW(DialPlan({}, {"9-"}), std::invalid_argument);
  EXPECT_THROW(DialPlan({}, {std::string(9, '9')}), std::invalid_argument);
  EXPECT_NO_THROW(DialPlan({{"gb", {{"999"}, {}}}}, {"9", "9"}));
}

// The plan the shared reference registry builds, through the real loader.
TEST(DialPlan, SharedReferenceRegistry) {
  const auto load = load_registry_file(test::shared_fixture("registry.yaml"));
  ASSERT_TRUE(load.ok()) << (load.errors.empty() ? "" : format_diagnostic("registry.yaml", load.errors[0]));
  const DialPlan& plan = load.registry->dial_plan();
  EXPECT_THAT(plan.classify("112", "GB"), Classified(CallClass::emergency, false, "112"));
  EXPECT_THAT(plan.classify("9911", "US"), Classified(CallClass::emergency, true, "911"));
  EXPECT_THAT(plan.classify("9-911", "US"), Classified(CallClass::emergency, true, "911"));
  EXPECT_THAT(plan.classify("933", "US"), Classified(CallClass::test, false, "933"));
  EXPECT_EQ(plan.classify("5125550199", "US").cls, CallClass::none);
  EXPECT_EQ(plan.classify("911", "GB").cls, CallClass::none);
  EXPECT_EQ(plan.classify("000", "AU").cls, CallClass::emergency);
  EXPECT_EQ(plan.classify("112", "DE").cls, CallClass::emergency);
  EXPECT_EQ(plan.classify("110", "DE").cls, CallClass::emergency);
  EXPECT_EQ(plan.classify("911", "").cls, CallClass::none);
}

// RFC 5031 service URNs are emergency calls in every country and without
// one; RFC 6881's test service is a test call; other URNs are neither.
TEST(DialPlan, ServiceUrns) {
  const auto plan = reference_plan();
  for (const char* urn : {"urn:service:sos", "URN:Service:SOS", "urn:service:sos.fire", "urn:service:sos.ambulance"}) {
    SCOPED_TRACE(urn);
    EXPECT_TRUE(plan.maybe_emergency(urn));
    for (const char* country : {"US", "GB", "", "ZZ"}) {
      const auto c = plan.classify(urn, country);
      EXPECT_EQ(c.cls, CallClass::emergency);
      EXPECT_EQ(c.number, to_lower_ascii(urn));
      EXPECT_FALSE(c.via_dial_prefix);
    }
  }
  EXPECT_EQ(plan.classify("urn:service:test.sos", "US").cls, CallClass::test);
  EXPECT_EQ(plan.classify("urn:service:test.sos.fire", "DE").cls, CallClass::test);
  for (const char* other : {"urn:service:sosx", "urn:service:counseling", "urn:service:sos.", "urn:nena:service:sos",
                            "sos", "urn:service:test.sosx"}) {
    SCOPED_TRACE(other);
    EXPECT_EQ(plan.classify(other, "US").cls, CallClass::none);
    EXPECT_FALSE(plan.maybe_emergency(other));
  }
}

}  // namespace
}  // namespace e911::registry
