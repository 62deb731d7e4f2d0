#pragma once
// An enum's names written once and read both ways: the name a value has on
// the wire or in storage, and the value a name stands for. One table instead
// of a switch and a chain of comparisons keeps the two directions from
// disagreeing when a value is added.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace e911 {

template <typename E, std::size_t N>
class EnumNames {
 public:
  constexpr explicit EnumNames(std::array<std::pair<E, std::string_view>, N> names) : names_(names) {}

  // The value's name, or `unknown` for a value the table lacks (a cast int).
  constexpr std::string_view name(E value, std::string_view unknown) const {
    for (const auto& [v, n] : names_) {
      if (v == value) return n;
    }
    return unknown;
  }

  // The value named exactly `name` (case matters), if any.
  constexpr std::optional<E> value(std::string_view name) const {
    for (const auto& [v, n] : names_) {
      if (n == name) return v;
    }
    return std::nullopt;
  }

 private:
  std::array<std::pair<E, std::string_view>, N> names_;
};

// enum_names<Channel>({{Channel::email, "email"}, {Channel::sms, "sms"}})
template <typename E, std::size_t N>
constexpr EnumNames<E, N> enum_names(const std::pair<E, std::string_view> (&names)[N]) {
  return EnumNames<E, N>(std::to_array(names));
}

}  // namespace e911
