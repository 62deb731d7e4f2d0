#pragma once
// Which dialed strings are emergency or test calls, per country.
//
// Built-in knowledge, used for every country the registry does not list:
// - emergency numbers: libphonenumber's ShortNumberInfo::IsEmergencyNumber
//   (exact match, so "1120" is not "112"), asked lazily and remembered per
//   (country, digits) for the whole process: asking about every candidate of
//   every region up front would take seconds (~2.5 us per question; the
//   longest numbers have 6 digits), and the locator starts often.
// - test numbers: libphonenumber has none. US and CA: 933, the number US and
//   Canadian carriers and PBX vendors provide to check that 911 calls deliver
//   the right callback number and address without reaching a PSAP.
// A country the registry lists uses only its listed numbers.
// - service URNs (RFC 5031), in every country and without one:
//   urn:service:sos and urn:service:sos.* (police, fire, ambulance...) are
//   emergency calls, urn:service:test.sos and its sub-services (RFC 6881)
//   test calls; the number classified is the URN in lower case.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace e911::registry {

// The registry's per-country numbers, in digits.
struct CountryNumbers {
  std::vector<std::string> emergency;
  std::vector<std::string> test;
};

enum class CallClass { none, emergency, test };

// The class of an RFC 5031 service URN (any case); none for anything else.
CallClass service_urn_class(std::string_view dialed);

struct Classification {
  CallClass cls = CallClass::none;
  bool via_dial_prefix = false;  // an outside-line prefix stood before the number
  std::string number;            // the emergency/test number, without prefix and separators
};

// Immutable after construction; const members are safe to call concurrently
// (the built-in lookups they share are locked internally).
class DialPlan {
 public:
  // Longest built-in emergency number considered. libphonenumber 8.12's
  // longest are 6 digits (NE 723141, ER 201606); a longer one added by a
  // future libphonenumber would go unrecognised until listed in the registry.
  static constexpr std::size_t kMaxBuiltinDigits = 6;
  // Limits on constructor input (the registry loader is stricter).
  static constexpr std::size_t kMaxNumberDigits = 15;
  static constexpr std::size_t kMaxPrefixDigits = 8;
  // A dialed string longer than this is never an emergency call, whatever
  // its separators; it bounds the work done on hostile input.
  static constexpr std::size_t kMaxDialedChars = 64;

  // `countries`: ISO 3166-1 alpha-2 code -> the only numbers that count in
  // that country. `dial_prefixes`: outside-line prefixes ("9") that may stand
  // before an emergency or test number. Numbers and prefixes are ASCII digits
  // (1..kMaxNumberDigits, 1..kMaxPrefixDigits); anything else is a caller bug
  // and throws std::invalid_argument, since the registry loader validates
  // these before a plan is built.
  DialPlan(std::map<std::string, CountryNumbers> countries, std::vector<std::string> dial_prefixes);

  // What `dialed` is in `country` (ISO alpha-2, any case; unknown or empty
  // gives none). Separators (space - . ( )) are ignored; any other non-digit,
  // '+' included, makes the call not an emergency call. An exact match wins
  // over one behind a dial prefix; prefixes are tried longest first.
  // Emergency wins if a number is listed as both.
  Classification classify(std::string_view dialed, std::string_view country) const;

  // Cheap pre-filter: false only if `dialed` is an emergency or test number
  // in no country (wrong characters, or more digits than any known number
  // plus the longest prefix). Never false where classify() finds one.
  bool maybe_emergency(std::string_view dialed) const;

  // The most digits a dialed emergency or test call can have, prefix included.
  std::size_t max_dialed_digits() const { return max_dialed_digits_; }

 private:
  struct KnownNumber {
    std::string digits;
    CallClass cls;
  };

  CallClass match(std::string_view country, std::string_view digits) const;

  std::map<std::string, std::vector<KnownNumber>, std::less<>> countries_;
  std::vector<std::string> prefixes_;  // longest first
  std::size_t max_dialed_digits_ = 0;
};

}  // namespace e911::registry
