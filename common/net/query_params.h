#pragma once
// Query strings of the project's HTTP APIs (the audit API, the location
// service), decoded strictly, before any value reaches the code behind:
//   - at most kMaxQueryBytes, kMaxParameters parameters; names and values
//     percent-decoded ('+' is a space); bad percent-encoding, invalid UTF-8
//     and control characters refused;
//   - each parameter at most once, with a non-empty value of at most
//     kMaxValueBytes; names of letters, digits, '_', '-' and '.'.

#include <cstddef>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace e911::net {

inline constexpr std::size_t kMaxQueryBytes = 2048;
inline constexpr std::size_t kMaxParameters = 16;
inline constexpr std::size_t kMaxValueBytes = 512;  // decoded

// What is wrong with a request, for a 400 response.
struct ParamError {
  std::string parameter;  // the parameter at fault; empty when it is not one parameter
  std::string message;    // says what is wrong and with which value (cut short)
};

// Decoded parameters by name (ordered, so links built from them are
// canonical).
using QueryParams = std::map<std::string, std::string, std::less<>>;

// Decodes a query string into `params` (rules above).
std::optional<ParamError> parse_query(std::string_view query, QueryParams& params);

// An error naming the first parameter that is not one of `known`.
std::optional<ParamError> only_known(const QueryParams& params, std::initializer_list<std::string_view> known);

}  // namespace e911::net
