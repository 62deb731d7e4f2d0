#pragma once
// Syntax check for the addresses alerts are sent to: the common
// dot-atom form (RFC 5322 3.4.1) with a DNS domain. Quoted local parts and
// IP-literal domains are legal but never right in a registry; reject them.

#include <string_view>

namespace e911 {

bool is_valid_email(std::string_view address);

}  // namespace e911
