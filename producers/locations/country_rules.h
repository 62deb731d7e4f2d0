#pragma once
// What an address in a given country must have, as data: the fields it
// needs, the shape of its postal codes and, where the country has them in
// its addresses, the list of state, province or territory codes. The
// checks that apply it are address_rules.h; docs/locations.md ("Address
// checks") has the same table for people.
//
// Pure: constant tables, no I/O; safe from any thread.

#include <span>
#include <string_view>

namespace e911::locations {

// One way a postal code may be written, as a shape:
//   9       a digit
//   A       a letter, either case
//   [...]   one character of the set, e.g. [A-HJK] or [0-9ACD] (letters
//           either case)
//   ' '     an optional space: "SW1A 1AA" and "SW1A1AA" both match
//   other   itself, letters in either case ("GIR": G, I, R); '-' is
//           required where it stands. A literal A or 9 is written [A], [9].
using PostalShape = std::string_view;

struct PostalFormat {
  std::string_view noun;         // "a US ZIP code", for "\"7870\" is not a US ZIP code (...)"
  std::string_view description;  // "5 digits, or 5+4"
  std::span<const PostalShape> shapes;
};

struct RegionList {
  std::string_view noun;         // "a US state or territory code"
  std::string_view description;  // "two letters, e.g. TX"
  std::span<const std::string_view> codes;
};

struct CountryRules {
  std::string_view country;  // ISO 3166-1 alpha-2
  // Fields that must be set, each entry a field or alternatives separated
  // by '|' ("house_number|building|name": any one of them), in the API's
  // field names (CivicField::json_name). `state` here is checked against
  // `regions` when there is a list.
  std::span<const std::string_view> required;
  const PostalFormat* postal = nullptr;  // checked whenever a postal code is given
  const RegionList* regions = nullptr;
};

// The rules of `country` (upper case), or nullptr when it has none of its
// own: then generic_rules() apply.
const CountryRules* country_rules(std::string_view country);

// For any other country: a street (or a named place or landmark) and a
// city (or postal code): what is_dispatchable asks.
const CountryRules& generic_rules();

// Every country with rules of its own, in the table's order.
std::span<const CountryRules> all_country_rules();

// True if `code` (surrounding spaces not allowed; the caller trims) has one
// of the format's shapes.
bool postal_code_matches(const PostalFormat& format, std::string_view code);

// True if `code` is in the list, in either case.
bool region_code_known(const RegionList& regions, std::string_view code);

}  // namespace e911::locations
