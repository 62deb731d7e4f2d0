#include "producers/locations/country_rules.h"

#include <array>

namespace e911::locations {

namespace {

using std::string_view_literals::operator""sv;

// What most of these countries' addresses have: a street, a number on it,
// a town and a postal code.
constexpr std::array kNumberedStreet = {"street"sv, "house_number"sv, "city"sv, "postal_code"sv};
constexpr std::array kWithState = {"street"sv, "house_number"sv, "city"sv, "state"sv, "postal_code"sv};
// Many British addresses name the building instead of numbering it.
constexpr std::array kGb = {"street"sv, "house_number|building|name"sv, "city"sv, "postal_code"sv};
// Rural Irish addresses often have neither street nor number (a townland,
// a house name), and many people do not know their Eircode yet.
constexpr std::array kIe = {"street|name|landmark"sv, "city"sv};
constexpr std::array kGeneric = {"street|name|landmark"sv, "city|postal_code"sv};

// ---- postal codes ----

constexpr std::array kUsShapes = {"99999"sv, "99999-9999"sv};
// No D, F, I, O, Q or U anywhere; no W or Z first (Canada Post).
constexpr std::array kCaShapes = {"[ABCEGHJ-NPRSTVXY]9[ABCEGHJ-NPRSTV-Z] 9[ABCEGHJ-NPRSTV-Z]9"sv};
// Royal Mail: outward code A9, A99, AA9, AA99, A9A or AA9A (no Q, V, X
// first; no I, J, Z second; only these letters third and fourth), then
// the inward code 9AA (no C, I, K, M, O, V); and Girobank's GIR 0AA.
constexpr std::array kGbShapes = {
    "[A-PR-UWYZ]9 9[ABD-HJLNP-UW-Z][ABD-HJLNP-UW-Z]"sv,
    "[A-PR-UWYZ]99 9[ABD-HJLNP-UW-Z][ABD-HJLNP-UW-Z]"sv,
    "[A-PR-UWYZ][A-HK-Y]9 9[ABD-HJLNP-UW-Z][ABD-HJLNP-UW-Z]"sv,
    "[A-PR-UWYZ][A-HK-Y]99 9[ABD-HJLNP-UW-Z][ABD-HJLNP-UW-Z]"sv,
    "[A-PR-UWYZ]9[A-HJKPSTUW] 9[ABD-HJLNP-UW-Z][ABD-HJLNP-UW-Z]"sv,
    "[A-PR-UWYZ][A-HK-Y]9[ABEHMNPRV-Y] 9[ABD-HJLNP-UW-Z][ABD-HJLNP-UW-Z]"sv,
    "GIR 0[A][A]"sv,  // letters in a shape match any letter, so these two are sets
};
// Eircode: a routing key (a letter and two digits, or D6W) and a unique
// identifier of four characters, from an alphabet without look-alikes.
constexpr std::array kIeShapes = {
    "[ACDEFHKNPRTVWXY]99 [0-9ACDEFHKNPRTVWXY][0-9ACDEFHKNPRTVWXY][0-9ACDEFHKNPRTVWXY][0-9ACDEFHKNPRTVWXY]"sv,
    "D6W [0-9ACDEFHKNPRTVWXY][0-9ACDEFHKNPRTVWXY][0-9ACDEFHKNPRTVWXY][0-9ACDEFHKNPRTVWXY]"sv,
};
constexpr std::array kFiveDigits = {"99999"sv};
constexpr std::array kFourDigits = {"9999"sv};
constexpr std::array kFourDigitsNoLeadingZero = {"[1-9]999"sv};
// PostNL: never the letter pairs SA, SD or SS.
constexpr std::array kNlShapes = {"[1-9]999 [A-RT-Z]A"sv, "[1-9]999 S[BCE-RT-Z]"sv};
// The first two digits are the province, 01 to 52.
constexpr std::array kEsShapes = {"0[1-9]999"sv, "[1-4]9999"sv, "5[0-2]999"sv};
constexpr std::array kPtShapes = {"[1-9]999-999"sv};
constexpr std::array kPlShapes = {"99-999"sv};
constexpr std::array kSeShapes = {"[1-9]99 99"sv};

constexpr PostalFormat kUsZip{"a US ZIP code", "5 digits, or 5+4", kUsShapes};
constexpr PostalFormat kCaPostal{"a Canadian postal code", "A1A 1A1", kCaShapes};
constexpr PostalFormat kGbPostcode{"a UK postcode", "e.g. SW1A 1AA, M1 1AE", kGbShapes};
constexpr PostalFormat kEircode{"an Eircode", "e.g. A65 F4E2", kIeShapes};
constexpr PostalFormat kFrPostal{"a French postal code", "5 digits", kFiveDigits};
constexpr PostalFormat kDePostal{"a German postal code", "5 digits", kFiveDigits};
constexpr PostalFormat kNlPostal{"a Dutch postal code", "4 digits and 2 letters, e.g. 1234 AB", kNlShapes};
constexpr PostalFormat kBePostal{"a Belgian postal code", "4 digits", kFourDigitsNoLeadingZero};
constexpr PostalFormat kEsPostal{"a Spanish postal code", "5 digits, starting 01 to 52", kEsShapes};
constexpr PostalFormat kItPostal{"an Italian postal code", "5 digits", kFiveDigits};
constexpr PostalFormat kPtPostal{"a Portuguese postal code", "1234-567", kPtShapes};
constexpr PostalFormat kPlPostal{"a Polish postal code", "12-345", kPlShapes};
constexpr PostalFormat kSePostal{"a Swedish postal code", "123 45", kSeShapes};
constexpr PostalFormat kDkPostal{"a Danish postal code", "4 digits", kFourDigits};
constexpr PostalFormat kNoPostal{"a Norwegian postal code", "4 digits", kFourDigits};
constexpr PostalFormat kFiPostal{"a Finnish postal code", "5 digits", kFiveDigits};
constexpr PostalFormat kChPostal{"a Swiss postal code", "4 digits", kFourDigitsNoLeadingZero};
constexpr PostalFormat kAtPostal{"an Austrian postal code", "4 digits", kFourDigitsNoLeadingZero};
constexpr PostalFormat kAuPostcode{"an Australian postcode", "4 digits", kFourDigits};

// ---- states, provinces, territories ----

// The 50 states, DC, and the inhabited territories USPS addresses.
constexpr std::array kUsCodes = {
    "AL"sv, "AK"sv, "AZ"sv, "AR"sv, "CA"sv, "CO"sv, "CT"sv, "DE"sv, "FL"sv, "GA"sv, "HI"sv, "ID"sv, "IL"sv, "IN"sv,
    "IA"sv, "KS"sv, "KY"sv, "LA"sv, "ME"sv, "MD"sv, "MA"sv, "MI"sv, "MN"sv, "MS"sv, "MO"sv, "MT"sv, "NE"sv, "NV"sv,
    "NH"sv, "NJ"sv, "NM"sv, "NY"sv, "NC"sv, "ND"sv, "OH"sv, "OK"sv, "OR"sv, "PA"sv, "RI"sv, "SC"sv, "SD"sv, "TN"sv,
    "TX"sv, "UT"sv, "VT"sv, "VA"sv, "WA"sv, "WV"sv, "WI"sv, "WY"sv, "DC"sv, "AS"sv, "GU"sv, "MP"sv, "PR"sv, "VI"sv,
};
constexpr std::array kCaCodes = {"AB"sv, "BC"sv, "MB"sv, "NB"sv, "NL"sv, "NS"sv, "NT"sv,
                                 "NU"sv, "ON"sv, "PE"sv, "QC"sv, "SK"sv, "YT"sv};
constexpr std::array kAuCodes = {"ACT"sv, "NSW"sv, "NT"sv, "QLD"sv, "SA"sv, "TAS"sv, "VIC"sv, "WA"sv};

constexpr RegionList kUsStates{"a US state or territory code", "two letters, e.g. TX", kUsCodes};
constexpr RegionList kCaProvinces{"a Canadian province or territory code", "two letters, e.g. ON", kCaCodes};
constexpr RegionList kAuStates{"an Australian state or territory code", "e.g. NSW, VIC, ACT", kAuCodes};

const std::array kRules = {
    CountryRules{"US", kWithState, &kUsZip, &kUsStates},
    CountryRules{"CA", kWithState, &kCaPostal, &kCaProvinces},
    CountryRules{"GB", kGb, &kGbPostcode, nullptr},
    CountryRules{"IE", kIe, &kEircode, nullptr},
    CountryRules{"FR", kNumberedStreet, &kFrPostal, nullptr},
    CountryRules{"DE", kNumberedStreet, &kDePostal, nullptr},
    CountryRules{"NL", kNumberedStreet, &kNlPostal, nullptr},
    CountryRules{"BE", kNumberedStreet, &kBePostal, nullptr},
    CountryRules{"ES", kNumberedStreet, &kEsPostal, nullptr},
    CountryRules{"IT", kNumberedStreet, &kItPostal, nullptr},
    CountryRules{"PT", kNumberedStreet, &kPtPostal, nullptr},
    CountryRules{"PL", kNumberedStreet, &kPlPostal, nullptr},
    CountryRules{"SE", kNumberedStreet, &kSePostal, nullptr},
    CountryRules{"DK", kNumberedStreet, &kDkPostal, nullptr},
    CountryRules{"NO", kNumberedStreet, &kNoPostal, nullptr},
    CountryRules{"FI", kNumberedStreet, &kFiPostal, nullptr},
    CountryRules{"CH", kNumberedStreet, &kChPostal, nullptr},
    CountryRules{"AT", kNumberedStreet, &kAtPostal, nullptr},
    CountryRules{"AU", kWithState, &kAuPostcode, &kAuStates},
};

const CountryRules kGenericRules{"", kGeneric, nullptr, nullptr};

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return upper(c) >= 'A' && upper(c) <= 'Z'; }

// Whether `c` is in the set `set` ("A-HJK", no brackets).
bool in_set(std::string_view set, char c) {
  c = upper(c);
  for (std::size_t i = 0; i < set.size(); ++i) {
    if (i + 2 < set.size() && set[i + 1] == '-') {
      if (c >= set[i] && c <= set[i + 2]) return true;
      i += 2;
    } else if (c == set[i]) {
      return true;
    }
  }
  return false;
}

bool matches_shape(std::string_view code, PostalShape shape) {
  std::size_t at = 0;
  for (std::size_t s = 0; s < shape.size(); ++s) {
    const char want = shape[s];
    if (want == ' ') {
      // Optional: nothing else in a shape matches a space, so taking it
      // when it is there is never wrong.
      if (at < code.size() && code[at] == ' ') ++at;
      continue;
    }
    if (at == code.size()) return false;
    const char c = code[at++];
    if (want == '[') {
      const auto close = shape.find(']', s);
      if (!in_set(shape.substr(s + 1, close - s - 1), c)) return false;
      s = close;
    } else if (want == '9') {
      if (!is_digit(c)) return false;
    } else if (want == 'A') {
      if (!is_letter(c)) return false;
    } else if (upper(c) != upper(want)) {
      return false;
    }
  }
  return at == code.size();
}

}  // namespace

const CountryRules* country_rules(std::string_view country) {
  for (const auto& rules : kRules) {
    if (rules.country == country) return &rules;
  }
  return nullptr;
}

const CountryRules& generic_rules() { return kGenericRules; }

std::span<const CountryRules> all_country_rules() { return kRules; }

bool postal_code_matches(const PostalFormat& format, std::string_view code) {
  for (const PostalShape shape : format.shapes) {
    if (matches_shape(code, shape)) return true;
  }
  return false;
}

bool region_code_known(const RegionList& regions, std::string_view code) {
  for (const std::string_view known : regions.codes) {
    if (known.size() != code.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < code.size() && same; ++i) same = upper(code[i]) == known[i];
    if (same) return true;
  }
  return false;
}

}  // namespace e911::locations
