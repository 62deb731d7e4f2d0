#include "producers/ingest/identity_pattern.h"

#include <regex>

namespace e911::ingest {

std::optional<Error> set_user_id_pattern(IdentityMapping& mapping, std::string_view pattern) {
  try {
    mapping.pattern.emplace(std::string(pattern), std::regex::ECMAScript);
    mapping.pattern_text = std::string(pattern);
  } catch (const std::regex_error& e) {
    return Error{"not a regular expression: " + std::string(e.what())};
  }
  return std::nullopt;
}

}  // namespace e911::ingest
