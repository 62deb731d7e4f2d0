#include "common/email_address.h"

#include <cctype>
#include <cstring>

namespace e911 {

bool is_valid_email(std::string_view address) {
  if (address.size() > 254) return false;
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  static const char* kAtext = "!#$%&'*+/=?^_`{|}~.-";
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  for (char c : local) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::strchr(kAtext, c) == nullptr) return false;
  }
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= domain.size()) {
    const auto dot = domain.find('.', start);
    const std::string_view label = domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    ++labels;
    if (dot == std::string_view::npos) {
      // The top-level label is never all digits.
      bool digits_only = true;
      for (char c : label) digits_only = digits_only && std::isdigit(static_cast<unsigned char>(c));
      if (digits_only) return false;
      break;
    }
    start = dot + 1;
  }
  return labels >= 2;
}

}  // namespace e911
