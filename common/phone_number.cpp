#include "common/phone_number.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <utility>

#include "common/text.h"

namespace e911 {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr std::size_t kMinDigits = 8;
constexpr std::size_t kMaxDigits = 15;  // ITU-T E.164 maximum, country code included

// Ofcom drama/documentation ranges that libphonenumber marks invalid (see the
// header). Its other drama ranges (020 7946 0xxx, 0113 496 0xxx ...) lie in
// allocated blocks and pass libphonenumber already.
struct ReservedRange {
  std::string_view digits_prefix;  // E.164 digits without '+'
  std::size_t digits;              // total digits of a number in the range
  std::string_view region;
};
constexpr std::array<ReservedRange, 2> kReservedFictional = {{
    {"447700900", 12, "GB"},  // 07700 900000-900999, mobile
    {"441632960", 12, "GB"},  // 01632 960000-960999, geographic
}};

bool all_ascii_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string length_problem(std::string_view number) {
  return "not an E.164 number (must have 8 to 15 digits): " + quote_for_message(number);
}

// The E.164 form: '+' and at most 15 digits. The 8-digit minimum is checked
// after validity, so that "+4400000" is reported as the invalid number it is.
std::optional<std::string> shape_problem(std::string_view number) {
  if (number.empty() || number.front() != '+') {
    return "not an E.164 number (must start with +): " + quote_for_message(number);
  }
  const std::string_view digits = number.substr(1);
  if (!all_ascii_digits(digits)) {
    return "not an E.164 number (only digits may follow +): " + quote_for_message(number);
  }
  if (digits.size() > kMaxDigits) return length_problem(number);
  return std::nullopt;
}

const ReservedRange* reserved_fictional(std::string_view digits) {
  for (const auto& range : kReservedFictional) {
    if (digits.size() == range.digits && digits.starts_with(range.digits_prefix)) return &range;
  }
  return nullptr;
}

// libphonenumber's region for a well-shaped number: "" if it is not valid,
// "001" for valid non-geographic numbers.
std::string libphonenumber_region(std::string_view number) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber parsed;
  if (util.Parse(std::string(number), "ZZ", &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) return "";
  if (!util.IsValidNumber(parsed)) return "";
  std::string region;
  util.GetRegionCodeForNumber(parsed, &region);
  return region == "ZZ" ? "" : region;
}

// The region of an acceptable number ("001" for non-geographic ones), or
// the reason it is not acceptable.
struct Checked {
  std::string region;
  std::optional<std::string> problem;
};

Checked check(std::string_view number) {
  if (auto problem = shape_problem(number)) return {"", std::move(problem)};
  std::string region;
  if (const auto* range = reserved_fictional(number.substr(1))) region = range->region;
  else region = libphonenumber_region(number);
  if (region.empty()) return {"", "not a valid phone number for any region: " + quote_for_message(number)};
  // Valid 7-digit numbers exist (Niue, Tokelau: +6907290); the project asks
  // for at least 8 digits.
  if (number.size() - 1 < kMinDigits) return {"", length_problem(number)};
  return {std::move(region), std::nullopt};
}

}  // namespace

std::optional<std::string> validate_e164(std::string_view number) { return check(number).problem; }

std::optional<std::string> e164_form_problem(std::string_view number) {
  if (auto problem = shape_problem(number)) return problem;
  if (number.size() - 1 < kMinDigits) return length_problem(number);
  if (number[1] == '0') return "not an E.164 number (a country code never starts with 0): " + quote_for_message(number);
  return std::nullopt;
}

std::string region_of(std::string_view e164) {
  Checked checked = check(e164);
  // "001" is libphonenumber's code for the non-geographic entities.
  if (checked.problem || checked.region.size() != 2) return "";
  return std::move(checked.region);
}

}  // namespace e911
