#include "producers/locations/address_rules.h"

#include <algorithm>

#include "common/text.h"
#include "common/utf8.h"
#include "producers/locations/country_rules.h"

namespace e911::locations {

namespace {

FieldProblem problem(std::string_view field, std::string_view what) {
  std::string name = "address.";
  name += field;
  std::string message = name + ": ";
  message += what;
  return {std::move(name), std::move(message)};
}

const std::string* field_value(const CivicAddress& a, std::string_view json_name) {
  for (const CivicField& f : civic_fields()) {
    if (f.json_name == json_name) return &(a.*f.member);
  }
  return nullptr;
}

bool is_set(const CivicAddress& a, std::string_view json_name) {
  const std::string* value = field_value(a, json_name);
  return value && !value->empty();
}

// The fields of a required-field entry: "house_number|building|name" is
// any of three.
std::vector<std::string_view> alternatives(std::string_view group) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0; at <= group.size();) {
    const auto bar = std::min(group.find('|', at), group.size());
    out.push_back(group.substr(at, bar - at));
    at = bar + 1;
  }
  return out;
}

// "street"; "house_number, building or name".
std::string in_words(const std::vector<std::string_view>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += i + 1 == fields.size() ? " or " : ", ";
    out += fields[i];
  }
  return out;
}

// Each field's text: UTF-8, no control characters, not too long. Returns
// the fields that failed, whose content the later checks then leave alone.
std::vector<std::string_view> check_text(const CivicAddress& a, std::vector<FieldProblem>& out) {
  std::vector<std::string_view> failed;
  for (const CivicField& f : civic_fields()) {
    const std::string& value = a.*f.member;
    std::string what;
    if (!is_valid_utf8(value)) {
      what = quote_for_message(value) + " is not valid UTF-8";
    } else if (!is_clean_utf8(value)) {
      what = quote_for_message(value) + " contains a control character";
    } else if (utf8::length(value) > kMaxAddressFieldChars) {
      what = quote_for_message(value) + " is longer than " + std::to_string(kMaxAddressFieldChars) + " characters";
    } else {
      continue;
    }
    out.push_back(problem(f.json_name, what));
    failed.push_back(f.json_name);
  }
  return failed;
}

void check_required(const CivicAddress& a, const CountryRules& rules, std::vector<FieldProblem>& out) {
  for (const std::string_view group : rules.required) {
    const auto fields = alternatives(group);
    if (std::any_of(fields.begin(), fields.end(), [&](std::string_view f) { return is_set(a, f); })) continue;
    std::string why;
    if (rules.country.empty()) {
      why = "an address needs " + in_words(fields);
    } else if (fields.size() == 1) {
      why = "required in " + std::string(rules.country) + " addresses";
    } else {
      why = std::string(rules.country) + " addresses need " + in_words(fields);
    }
    out.push_back(problem(fields.front(), "missing (" + why + ")"));
  }
}

}  // namespace

std::vector<FieldProblem> address_problems(const CivicAddress& address) {
  std::vector<FieldProblem> out;
  // What the checks below look at: white space around a value is not part
  // of it, and a value of only white space is no value.
  CivicAddress a = address;
  for (const CivicField& f : civic_fields()) a.*f.member = std::string(trim(a.*f.member));

  const CountryRules* rules = nullptr;
  if (address.country.empty()) {
    out.push_back(problem("country", "missing (an ISO 3166-1 alpha-2 code, e.g. US)"));
  } else if (!is_iso3166_alpha2(address.country)) {
    out.push_back(problem("country", quote_for_message(address.country) +
                                         " is not an ISO 3166-1 alpha-2 country code (two upper-case letters, e.g. US)"));
  } else {
    rules = country_rules(address.country);
  }
  const auto bad_text = check_text(address, out);
  const auto usable = [&](std::string_view field) {
    return is_set(a, field) && std::find(bad_text.begin(), bad_text.end(), field) == bad_text.end();
  };

  check_required(a, rules ? *rules : generic_rules(), out);
  if (rules && rules->regions && usable("state") && !region_code_known(*rules->regions, a.state)) {
    out.push_back(problem("state", quote_for_message(a.state) + " is not " + std::string(rules->regions->noun) + " (" +
                                       std::string(rules->regions->description) + ")"));
  }
  if (rules && rules->postal && usable("postal_code") && !postal_code_matches(*rules->postal, a.postal_code)) {
    out.push_back(problem("postal_code", quote_for_message(a.postal_code) + " is not " +
                                             std::string(rules->postal->noun) + " (" +
                                             std::string(rules->postal->description) + ")"));
  }
  if (lacks_unit(a)) {
    out.push_back(problem("unit", "missing (the address is multi_dwelling: give the unit, or the floor and room)"));
  }
  return out;
}

std::optional<FieldProblem> first_address_problem(const CivicAddress& address) {
  auto problems = address_problems(address);
  if (problems.empty()) return std::nullopt;
  return std::move(problems.front());
}

}  // namespace e911::locations
