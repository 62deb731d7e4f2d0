#include "common/phone_number.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace e911 {
namespace {

// Numbers validate_e164() accepts.
void expect_valid_e164(std::initializer_list<const char*> numbers) {
  for (const char* n : numbers) EXPECT_EQ(validate_e164(n), std::nullopt) << n;
}

// Numbers validate_e164() refuses, for whatever reason.
void expect_invalid_e164(std::initializer_list<const char*> numbers) {
  for (const char* n : numbers) EXPECT_NE(validate_e164(n), std::nullopt) << n;
}

// The SMS numbers of ../shared/fixtures/registry.yaml.
TEST(ValidateE164, AcceptsTheReferenceRegistryNumbers) {
  expect_valid_e164({
      "+442079460000",  // Ofcom drama range, London
      "+447700900123",  // Ofcom drama range, mobile (see header)
      "+15125550100",
  });
}

TEST(ValidateE164, AcceptsOrdinaryNumbersOfSeveralRegions) {
  expect_valid_e164({
      "+4930901820",    // DE, 10 digits
      "+33142685300",   // FR
      "+61291234567",   // AU
      "+447975556677",  // GB mobile
      "+80012345678",   // international freephone
  });
}

TEST(ValidateE164, RequiresTheLeadingPlus) {
  EXPECT_EQ(validate_e164("07700 900123"), R"(not an E.164 number (must start with +): "07700 900123")");
  EXPECT_EQ(validate_e164("442079460000"), R"(not an E.164 number (must start with +): "442079460000")");
  EXPECT_EQ(validate_e164(""), R"(not an E.164 number (must start with +): "")");
}

TEST(ValidateE164, RejectsSeparatorsAndOtherCharacters) {
  EXPECT_EQ(validate_e164("+44 20 7946 0000"), R"(not an E.164 number (only digits may follow +): "+44 20 7946 0000")");
  EXPECT_EQ(validate_e164("+1-512-555-0100"), R"(not an E.164 number (only digits may follow +): "+1-512-555-0100")");
  expect_invalid_e164({"+", "++442079460000", "+442079460000 ", "tel:+442079460000"});
}

TEST(ValidateE164, RejectsNumbersNoRegionConsidersValid) {
  EXPECT_EQ(validate_e164("+4400000"), R"(not a valid phone number for any region: "+4400000")");
  EXPECT_EQ(validate_e164("+15555550100"), R"(not a valid phone number for any region: "+15555550100")");
  EXPECT_EQ(validate_e164("+4420794600001"), R"(not a valid phone number for any region: "+4420794600001")");
  EXPECT_EQ(validate_e164("+0442079460000"), R"(not a valid phone number for any region: "+0442079460000")");
  // A non-geographic code whose number is not valid.
  EXPECT_NE(validate_e164("+8001234567"), std::nullopt);
}

TEST(ValidateE164, EnforcesEightToFifteenDigits) {
  EXPECT_EQ(validate_e164("+1234567890123456"),
            R"(not an E.164 number (must have 8 to 15 digits): "+1234567890123456")");
  // Valid in Tokelau, but shorter than the project accepts.
  EXPECT_EQ(validate_e164("+6907290"), R"(not an E.164 number (must have 8 to 15 digits): "+6907290")");
  EXPECT_NE(validate_e164("+441"), std::nullopt);
}

TEST(ValidateE164, OnlyTheReservedDramaBlocksAreExempted) {
  expect_valid_e164({"+447700900000", "+447700900999", "+441632960000"});
  // Same prefix, wrong length: still judged by libphonenumber.
  expect_invalid_e164({"+4477009001234", "+44770090012"});
}

TEST(ValidateE164, HostileInputGivesABoundedMessage) {
  const std::string huge = "+" + std::string(1 << 20, '4');
  const auto problem = validate_e164(huge);
  ASSERT_NE(problem, std::nullopt);
  EXPECT_LT(problem->size(), 200u);

  const std::string with_nul = std::string("+44207946") + '\0' + "0000";
  EXPECT_EQ(validate_e164(with_nul), R"(not an E.164 number (only digits may follow +): "+44207946\u00000000")");
  expect_invalid_e164({
      "+４４２０７９４６００００",  // full-width digits
      "+٤٤٢٠٧٩٤٦٠٠٠٠",              // Arabic-Indic digits
  });
}

TEST(RegionOf, GivesTheCountryOfValidNumbers) {
  EXPECT_EQ(region_of("+442079460000"), "GB");
  EXPECT_EQ(region_of("+447700900123"), "GB");
  EXPECT_EQ(region_of("+15125550100"), "US");
  EXPECT_EQ(region_of("+4930901820"), "DE");
  EXPECT_EQ(region_of("+14165550123"), "CA");  // +1 shared: the number decides
}

TEST(RegionOf, IsEmptyForAnythingValidateRejectsAndForNonGeographicNumbers) {
  for (const char* bad : {"", "+", "07700 900123", "+4400000", "+15555550100", "+6907290", "+44 20 7946 0000"}) {
    EXPECT_EQ(region_of(bad), "") << bad;
  }
  EXPECT_EQ(validate_e164("+80012345678"), std::nullopt);
  EXPECT_EQ(region_of("+80012345678"), "");
}

}  // namespace
}  // namespace e911
