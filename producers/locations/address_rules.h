#pragma once
// The checks a registration passes before the location service accepts it
// (docs/locations.md, "Address checks"): the address's country rules
// (country_rules.h: required fields, the state code, the postal code's
// shape), the CONTRACT.md unit rule for multi-dwelling addresses, and sane
// field text.
//
// Pure: no I/O, safe from any thread. The address validation provider
// (address_validator.h) is asked only once these pass.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civic_address.h"

namespace e911::locations {

// One refused field, as the API reports it (422):
//   {"error": message, "field": field}
struct FieldProblem {
  std::string field;    // "address.postal_code"
  std::string message;  // starts with the field and quotes the value:
                        // "address.postal_code: \"7870\" is not a US ZIP code (5 digits, or 5+4)"
};

// No field of an address may be longer (in characters).
inline constexpr std::size_t kMaxAddressFieldChars = 200;

// Every problem with `address`, in this order: the country (present, an
// ISO 3166-1 alpha-2 code in upper case); each field's text (valid UTF-8,
// no control characters, at most kMaxAddressFieldChars); the fields its
// country requires (generic rules for a country without rules of its own,
// or when the country is not valid); the state code; the postal code's
// shape; the unit of a multi-dwelling address. A field that is only white
// space counts as missing. Empty: the address passes.
std::vector<FieldProblem> address_problems(const CivicAddress& address);

// The first of address_problems(), or nullopt.
std::optional<FieldProblem> first_address_problem(const CivicAddress& address);

}  // namespace e911::locations
