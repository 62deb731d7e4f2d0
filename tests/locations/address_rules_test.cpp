// The checks a registration passes before the location service accepts it
// (producers/locations/address_rules.h): every country's postal codes, the
// fields it requires, state codes, the multi-dwelling unit, field text,
// the callback number; and the shared fixtures' registrations.

#include "producers/locations/address_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "common/events.h"
#include "producers/locations/country_rules.h"
#include "tests/locations/contract_address.h"
#include "tests/support/files.h"

namespace e911::locations {
namespace {

// An address with every field the country's rules can ask for.
CivicAddress full_address(std::string country, std::string state, std::string postal_code) {
  CivicAddress a;
  a.country = std::move(country);
  a.state = std::move(state);
  a.city = "Springfield";
  a.street = "Example Street";
  a.house_number = "12";
  a.postal_code = std::move(postal_code);
  return a;
}

std::vector<std::string> fields_of(const std::vector<FieldProblem>& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.field);
  return out;
}

struct PostalCases {
  const char* country;
  const char* state;  // for the countries that require one
  std::vector<std::string> valid;
  std::vector<std::string> invalid;
};

const std::vector<PostalCases>& postal_cases() {
  static const std::vector<PostalCases> cases = {
      {"US", "TX", {"78701", "78701-1234", " 78701 "}, {"7870", "787011", "78701-12", "78701 1234", "7870A"}},
      {"CA", "ON", {"K1A 0B1", "k1a0b1", "M5V 3L9", "V6B 4Y8"}, {"K1A 0B", "D1A 0B1", "W1A 0B1", "K1A-0B1", "12345"}},
      {"GB", "", {"SW1A 1AA", "sw1a1aa", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "GIR 0AA"},
       {"SW1A 1A", "QA1 1AA", "AI1 1AA", "SW1A 1CA", "W1I 0AX", "SW1A  1AA", "GIR 0AB", "12345"}},
      {"IE", "", {"A65 F4E2", "d02x285", "D6W 1234", "T12 XR3N"}, {"A65 F4B2", "B65 F4E2", "A6 F4E2", "D02"}},
      {"FR", "", {"75011", "01000"}, {"7501", "7501A", "750111"}},
      {"DE", "", {"10115", "01067"}, {"1011", "101155"}},
      {"NL", "", {"1234 AB", "1234ab", "9999 ZZ"}, {"0123 AB", "1234 SA", "1234 SS", "1234 A", "12345"}},
      {"BE", "", {"1000", "9999"}, {"0999", "10000", "B-1000"}},
      {"ES", "", {"28001", "52001", "01001"}, {"53001", "00123", "2800"}},
      {"IT", "", {"00184", "20121"}, {"0018", "I-00184"}},
      {"PT", "", {"1000-001", "4000-322"}, {"1000001", "1000-01", "0100-001"}},
      {"PL", "", {"00-950", "31-101"}, {"00950", "009-50", "00-95"}},
      {"SE", "", {"114 55", "11455"}, {"014 55", "1145", "114-55"}},
      {"DK", "", {"1050", "0800"}, {"105", "10500"}},
      {"NO", "", {"0150", "9990"}, {"01500", "015"}},
      {"FI", "", {"00100", "99999"}, {"0010", "FI-00100"}},
      {"CH", "", {"8001", "1200"}, {"0800", "80010"}},
      {"AT", "", {"1010", "6020"}, {"0101", "10100"}},
      {"AU", "NSW", {"2000", "0800"}, {"200", "20000", "NSW 2000"}},
  };
  return cases;
}

TEST(AddressRules, EveryCountryWithRulesHasPostalCodeCases) {
  for (const auto& rules : all_country_rules()) {
    const bool covered = std::any_of(postal_cases().begin(), postal_cases().end(),
                                     [&](const PostalCases& c) { return c.country == rules.country; });
    EXPECT_TRUE(covered) << rules.country;
  }
}

TEST(AddressRules, PostalCodesOfEachCountry) {
  for (const auto& c : postal_cases()) {
    for (const auto& code : c.valid) {
      EXPECT_EQ(address_problems(full_address(c.country, c.state, code)).size(), 0u) << c.country << " " << code;
    }
    for (const auto& code : c.invalid) {
      const auto problem = first_address_problem(full_address(c.country, c.state, code));
      ASSERT_TRUE(problem) << c.country << " " << code;
      EXPECT_EQ(problem->field, "address.postal_code") << c.country << " " << code;
      EXPECT_NE(problem->message.find("\"" + code + "\" is not a"), std::string::npos) << problem->message;
    }
  }
}

TEST(AddressRules, TheMessageQuotesTheValueAndSaysWhatIsExpected) {
  const auto problem = first_address_problem(full_address("US", "TX", "7870"));
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->message, "address.postal_code: \"7870\" is not a US ZIP code (5 digits, or 5+4)");
}

TEST(AddressRules, RequiredFieldsOfACountry) {
  auto a = full_address("US", "TX", "78701");
  a.state.clear();
  a.house_number = "  ";  // only white space is no value
  EXPECT_EQ(fields_of(address_problems(a)), (std::vector<std::string>{"address.house_number", "address.state"}));
  EXPECT_EQ(first_address_problem(a)->message, "address.house_number: missing (required in US addresses)");

  auto de = full_address("DE", "", "");
  EXPECT_EQ(first_address_problem(de)->message, "address.postal_code: missing (required in DE addresses)");
}

TEST(AddressRules, ABritishAddressMayNameItsBuildingInsteadOfANumber) {
  auto a = full_address("GB", "", "SW1A 1AA");
  a.house_number.clear();
  EXPECT_EQ(first_address_problem(a)->message,
            "address.house_number: missing (GB addresses need house_number, building or name)");
  a.building = "Rose Cottage";
  EXPECT_FALSE(first_address_problem(a));
}

TEST(AddressRules, AnIrishAddressNeedsNeitherNumberNorEircode) {
  CivicAddress a;
  a.country = "IE";
  a.name = "Ballymore House";
  a.city = "Mullingar";
  EXPECT_FALSE(first_address_problem(a));
}

TEST(AddressRules, StateCodesAreCheckedAgainstTheRealLists) {
  EXPECT_FALSE(first_address_problem(full_address("US", "dc", "20001")));
  EXPECT_FALSE(first_address_problem(full_address("US", "PR", "00901")));
  EXPECT_FALSE(first_address_problem(full_address("CA", "QC", "H2Y 1C6")));
  EXPECT_FALSE(first_address_problem(full_address("AU", "ACT", "2600")));
  const auto us = first_address_problem(full_address("US", "Texas", "78701"));
  ASSERT_TRUE(us);
  EXPECT_EQ(us->message, "address.state: \"Texas\" is not a US state or territory code (two letters, e.g. TX)");
  EXPECT_EQ(first_address_problem(full_address("CA", "PQ", "H2Y 1C6"))->field, "address.state");
  EXPECT_EQ(first_address_problem(full_address("AU", "NS", "2000"))->field, "address.state");
}

TEST(AddressRules, OtherCountriesGetTheGenericRules) {
  CivicAddress a;
  a.country = "JP";
  a.landmark = "Tokyo Tower";
  a.postal_code = "anything 105-0011";
  EXPECT_FALSE(first_address_problem(a));
  a.landmark.clear();
  a.postal_code.clear();
  EXPECT_EQ(fields_of(address_problems(a)), (std::vector<std::string>{"address.street", "address.city"}));
  EXPECT_EQ(first_address_problem(a)->message, "address.street: missing (an address needs street, name or landmark)");
}

TEST(AddressRules, TheCountryMustBeAnIsoCode) {
  auto a = full_address("USA", "TX", "7870");
  EXPECT_EQ(first_address_problem(a)->message,
            "address.country: \"USA\" is not an ISO 3166-1 alpha-2 country code (two upper-case letters, e.g. US)");
  // Without a country, only the generic rules apply: no ZIP code check.
  EXPECT_EQ(fields_of(address_problems(a)), (std::vector<std::string>{"address.country"}));
  a.country = "us";
  EXPECT_EQ(first_address_problem(a)->field, "address.country");
  a.country.clear();
  EXPECT_EQ(first_address_problem(a)->message, "address.country: missing (an ISO 3166-1 alpha-2 code, e.g. US)");
}

TEST(AddressRules, AMultiDwellingAddressNeedsItsUnitOrFloorAndRoom) {
  auto a = full_address("US", "TX", "78701");
  a.multi_dwelling = true;
  const auto problem = first_address_problem(a);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->field, "address.unit");
  a.floor = "3";
  EXPECT_EQ(first_address_problem(a)->field, "address.unit");
  a.room = "301";
  EXPECT_FALSE(first_address_problem(a));
  a.floor.clear();
  a.room.clear();
  a.unit = "4B";
  EXPECT_FALSE(first_address_problem(a));
}

TEST(AddressRules, FieldTextIsLimitedAndClean) {
  auto a = full_address("FR", "", "75011");
  a.street = std::string(kMaxAddressFieldChars, 'x');
  a.city = "";
  for (std::size_t i = 0; i < kMaxAddressFieldChars; ++i) a.city += "\xC3\xA9";  // 200 characters, 400 bytes
  EXPECT_FALSE(first_address_problem(a));
  a.street += "x";
  const auto long_street = first_address_problem(a);
  ASSERT_TRUE(long_street);
  EXPECT_EQ(long_street->field, "address.street");
  EXPECT_NE(long_street->message.find("is longer than 200 characters"), std::string::npos);
  EXPECT_LT(long_street->message.size(), 200u) << "the value is quoted cut short";

  a = full_address("FR", "", "75011");
  a.unit = "4\nB";
  EXPECT_EQ(first_address_problem(a)->message, "address.unit: \"4\\nB\" contains a control character");
  a.unit = "4\xFF";
  EXPECT_EQ(first_address_problem(a)->message, "address.unit: \"4\\xff\" is not valid UTF-8");
  // A postal code with bad text is reported once, for its text.
  a = full_address("FR", "", "75\x01" "011");
  EXPECT_EQ(fields_of(address_problems(a)), (std::vector<std::string>{"address.postal_code"}));
}

TEST(AddressRules, TheContractsExampleAddressPasses) {
  EXPECT_EQ(address_problems(test::contract_address()).size(), 0u);
}

// The shared fixtures' registrations as they are: those whose address is
// dispatchable pass; lu-3 (multi-dwelling, no unit) is refused for its unit.
TEST(AddressRules, TheFixturesRegistrations) {
  int seen = 0;
  for (const auto& line : test::read_lines(test::shared_fixture("events.jsonl"))) {
    auto event = decode_input_event(line);
    ASSERT_TRUE(event.ok()) << line;
    const auto* update = std::get_if<LocationUpdate>(&*event);
    if (!update) continue;
    ++seen;
    const auto problem = first_address_problem(update->address);
    if (update->event_id == "lu-3") {
      ASSERT_TRUE(problem);
      EXPECT_EQ(problem->field, "address.unit");
    } else {
      EXPECT_FALSE(problem) << update->event_id << ": " << problem->message;
    }
  }
  EXPECT_GE(seen, 3);
}

}  // namespace
}  // namespace e911::locations
