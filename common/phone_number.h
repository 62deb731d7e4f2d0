#pragma once
// Phone numbers the registry sends to (SMS, callback): strict E.164 shape,
// then libphonenumber's validity check, so a typo is caught when the admin
// validates the registry, not when an alert fails to reach anyone.

#include <optional>
#include <string>
#include <string_view>

namespace e911 {

// nullopt if `number` is an E.164 number ('+' then 8 to 15 digits, no
// separators) that libphonenumber considers valid for some region; otherwise
// a message naming the problem and quoting the input, e.g.
//   not an E.164 number (must start with +): "07700 900123"
//   not an E.164 number (only digits may follow +): "+44 20 7946 0000"
//   not a valid phone number for any region: "+4400000"
//   not an E.164 number (must have 8 to 15 digits): "+6907290"
// (the last is valid in Tokelau, but shorter than the project accepts).
//
// One deliberate exception: libphonenumber rejects UK numbers that Ofcom
// reserves for drama and documentation in ranges it otherwise knows as
// unallocated (+44 7700 900xxx, +44 1632 960xxx; google/libphonenumber#1768,
// wontfix). They are accepted here, because example registries and tests use
// them exactly as Ofcom intends; they never reach a real subscriber.
std::optional<std::string> validate_e164(std::string_view number);

// nullopt if `number` has the E.164 form ('+', a digit from 1 to 9, then 7
// to 14 more digits: the JSON Schemas' e164), whether or not
// libphonenumber knows it; otherwise the message validate_e164 gives for
// that form. For numbers that are records of what was (a journaled ELIN,
// a filter on them), not numbers to dial.
std::optional<std::string> e164_form_problem(std::string_view number);

// The ISO 3166-1 alpha-2 region of a number validate_e164 accepts, e.g.
// "GB" for +442079460000; "" for anything else, and for valid numbers that
// belong to no country (+800 international freephone and the like), since
// callers use the result as the country a call is placed from.
std::string region_of(std::string_view e164);

}  // namespace e911
