#include "registry/dial_plan.h"

#include <phonenumbers/shortnumberinfo.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "common/text.h"

namespace e911::registry {
namespace {

struct BuiltinTestNumber {
  std::string_view country;
  std::string_view digits;
};
// See the header for why 933.
constexpr std::array<BuiltinTestNumber, 2> kBuiltinTestNumbers = {{{"US", "933"}, {"CA", "933"}}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_separator(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')'; }
bool all_digits(std::string_view s) { return std::all_of(s.begin(), s.end(), is_digit); }

// The digits of a dialed string, on the stack: the hot path sees thousands
// of non-emergency calls a second and must not allocate to reject them.
class DialedDigits {
 public:
  // False if `dialed` cannot be an emergency or test call: a character that
  // is neither digit nor separator, no digits, or more than `max_digits`.
  bool parse(std::string_view dialed, std::size_t max_digits) {
    if (dialed.size() > DialPlan::kMaxDialedChars) return false;
    size_ = 0;
    for (const char c : dialed) {
      if (is_separator(c)) continue;
      if (!is_digit(c) || size_ == max_digits) return false;
      buffer_[size_++] = c;
    }
    return size_ > 0;
  }
  std::string_view view() const { return {buffer_.data(), size_}; }

 private:
  std::array<char, DialPlan::kMaxDialedChars> buffer_{};
  std::size_t size_ = 0;
};

// An ISO 3166-1 alpha-2 code in upper case, or empty if `country` is not two
// ASCII letters.
class CountryCode {
 public:
  explicit CountryCode(std::string_view country) {
    if (country.size() != 2) return;
    for (std::size_t i = 0; i < 2; ++i) {
      char c = country[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c < 'A' || c > 'Z') return;
      code_[i] = c;
    }
    valid_ = true;
  }
  bool valid() const { return valid_; }
  std::string_view view() const { return valid_ ? std::string_view(code_.data(), 2) : std::string_view(); }
  // 0..675, for packing into cache keys.
  std::uint64_t index() const { return static_cast<std::uint64_t>((code_[0] - 'A') * 26 + (code_[1] - 'A')); }

 private:
  std::array<char, 2> code_{};
  bool valid_ = false;
};

// libphonenumber's emergency numbers, asked once per (country, digits) per
// process and remembered. Registry reloads build new DialPlans; the answers
// stay valid, so they live here rather than in a plan.
class BuiltinEmergencyNumbers {
 public:
  static BuiltinEmergencyNumbers& instance() {
    static BuiltinEmergencyNumbers numbers;  // thread-safe initialisation
    return numbers;
  }

  bool is_emergency(const CountryCode& country, std::string_view digits) {
    const std::uint64_t key = pack(country, digits);
    {
      std::shared_lock lock(mutex_);
      if (const auto it = answers_.find(key); it != answers_.end()) return it->second;
    }
    // Misses are rare (each distinct short number once per country) and are
    // answered under the exclusive lock, which also keeps libphonenumber's
    // matcher out of any question about its own thread safety.
    std::unique_lock lock(mutex_);
    if (const auto it = answers_.find(key); it != answers_.end()) return it->second;
    const bool answer = info_.IsEmergencyNumber(std::string(digits), std::string(country.view()));
    // Bounded so hostile traffic cannot grow the process without limit; past
    // the bound, answers are simply not remembered.
    if (answers_.size() < kMaxRemembered) answers_.emplace(key, answer);
    return answer;
  }

 private:
  static constexpr std::size_t kMaxRemembered = std::size_t{1} << 16;

  BuiltinEmergencyNumbers() = default;

  // Country index (10 bits), length (3 bits), value (20 bits): the length
  // keeps "011" apart from "11".
  static std::uint64_t pack(const CountryCode& country, std::string_view digits) {
    static_assert(DialPlan::kMaxBuiltinDigits <= 6, "value must fit 20 bits");
    std::uint64_t value = 0;
    for (const char c : digits) value = value * 10 + static_cast<std::uint64_t>(c - '0');
    return country.index() << 23 | static_cast<std::uint64_t>(digits.size()) << 20 | value;
  }

  std::shared_mutex mutex_;
  std::unordered_map<std::uint64_t, bool> answers_;
  i18n::phonenumbers::ShortNumberInfo info_;
};

void check_digits(std::string_view what, std::string_view s, std::size_t max_digits) {
  if (s.empty() || s.size() > max_digits || !all_digits(s)) {
    throw std::invalid_argument(std::string(what) + " must be 1 to " + std::to_string(max_digits) +
                                " digits: " + quote_for_message(s));
  }
}

}  // namespace

DialPlan::DialPlan(std::map<std::string, CountryNumbers> countries, std::vector<std::string> dial_prefixes) {
  std::size_t max_number = kMaxBuiltinDigits;
  for (const auto& test : kBuiltinTestNumbers) max_number = std::max(max_number, test.digits.size());

  for (auto& [country, numbers] : countries) {
    const CountryCode code(country);
    if (!code.valid()) throw std::invalid_argument("not a country code: " + quote_for_message(country));
    auto& known = countries_[std::string(code.view())];
    // Emergency entries first: the first match wins in match().
    for (auto* list : {&numbers.emergency, &numbers.test}) {
      const CallClass cls = list == &numbers.emergency ? CallClass::emergency : CallClass::test;
      for (auto& n : *list) {
        check_digits("an emergency or test number", n, kMaxNumberDigits);
        max_number = std::max(max_number, n.size());
        known.push_back({std::move(n), cls});
      }
    }
  }

  std::size_t longest_prefix = 0;
  for (auto& p : dial_prefixes) {
    check_digits("a dial prefix", p, kMaxPrefixDigits);
    longest_prefix = std::max(longest_prefix, p.size());
    if (std::find(prefixes_.begin(), prefixes_.end(), p) == prefixes_.end()) prefixes_.push_back(std::move(p));
  }
  std::stable_sort(prefixes_.begin(), prefixes_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });

  max_dialed_digits_ = std::min(max_number + longest_prefix, kMaxDialedChars);
}

CallClass DialPlan::match(std::string_view country, std::string_view digits) const {
  if (const auto it = countries_.find(country); it != countries_.end()) {
    for (const auto& known : it->second) {
      if (known.digits == digits) return known.cls;
    }
    return CallClass::none;
  }
  if (digits.size() <= kMaxBuiltinDigits &&
      BuiltinEmergencyNumbers::instance().is_emergency(CountryCode(country), digits)) {
    return CallClass::emergency;
  }
  for (const auto& test : kBuiltinTestNumbers) {
    if (test.country == country && test.digits == digits) return CallClass::test;
  }
  return CallClass::none;
}

CallClass service_urn_class(std::string_view dialed) {
  // URNs compare case-insensitively (RFC 8141, RFC 5031 section 3).
  constexpr std::size_t kLongestUrn = 64;
  if (dialed.size() > kLongestUrn || dialed.size() < 4) return CallClass::none;
  std::string lower(dialed);
  for (auto& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  const auto is = [&](std::string_view service) {
    return lower == service ||
           (lower.size() > service.size() + 1 && lower.starts_with(service) && lower[service.size()] == '.');
  };
  if (is("urn:service:sos")) return CallClass::emergency;
  if (is("urn:service:test.sos")) return CallClass::test;
  return CallClass::none;
}

Classification DialPlan::classify(std::string_view dialed, std::string_view country) const {
  if (const CallClass cls = service_urn_class(dialed); cls != CallClass::none) {
    std::string urn(dialed);
    for (auto& c : urn)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return {cls, false, urn};
  }
  DialedDigits digits;
  if (!digits.parse(dialed, max_dialed_digits_)) return {};
  const CountryCode code(country);
  if (!code.valid()) return {};
  const std::string_view all = digits.view();

  if (const CallClass cls = match(code.view(), all); cls != CallClass::none) {
    return {cls, false, std::string(all)};
  }
  for (const auto& prefix : prefixes_) {
    if (all.size() <= prefix.size() || !all.starts_with(prefix)) continue;
    const std::string_view rest = all.substr(prefix.size());
    if (const CallClass cls = match(code.view(), rest); cls != CallClass::none) {
      return {cls, true, std::string(rest)};
    }
  }
  return {};
}

bool DialPlan::maybe_emergency(std::string_view dialed) const {
  // Exactly classify()'s first rejection, so it can never disagree with it.
  DialedDigits digits;
  return digits.parse(dialed, max_dialed_digits_) || service_urn_class(dialed) != CallClass::none;
}

}  // namespace e911::registry
