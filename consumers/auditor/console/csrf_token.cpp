#include "consumers/auditor/console/csrf_token.h"

#include "common/encoding.h"
#include "common/sha256.h"

namespace e911::auditor::console {

std::string csrf_token(std::string_view key, std::string_view binding) {
  return base64url_encode(hmac_sha256(key, "e911-console-csrf\n" + std::string(binding)));
}

bool csrf_token_matches(std::string_view key, std::string_view binding, std::string_view presented) {
  if (binding.empty()) return false;
  return constant_time_equal(csrf_token(key, binding), presented);
}

}  // namespace e911::auditor::console
