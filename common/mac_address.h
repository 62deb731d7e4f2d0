#pragma once
// 48-bit MAC addresses (station MACs, Wi-Fi BSSIDs, LLDP chassis ids), read
// in any common notation: 00:04:f2:15:c2:85, 00-04-F2-15-C2-85,
// 0004.f215.c285 (Cisco) and bare 0004f215c285, any case.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace e911 {

class MacAddress {
 public:
  static std::optional<MacAddress> parse(std::string_view text);
  explicit MacAddress(std::uint64_t bits) : bits_(bits) {}

  std::uint64_t bits() const { return bits_; }
  // Canonical form: lower-case, colon separated.
  std::string to_string() const;
  friend bool operator==(const MacAddress&, const MacAddress&) = default;

 private:
  std::uint64_t bits_;
};

}  // namespace e911
