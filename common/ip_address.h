#pragma once
// IPv4/IPv6 addresses and prefixes as value types. IPv4-mapped IPv6
// addresses (::ffff:a.b.c.d) are folded to IPv4, so a dual-stack socket's
// view of a caller matches the registry's IPv4 subnets.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace e911 {

using uint128 = unsigned __int128;

class IpAddress {
 public:
  enum class Family : std::uint8_t { v4, v6 };

  static std::optional<IpAddress> parse(std::string_view text);
  static IpAddress v4(std::uint32_t bits) { return IpAddress(Family::v4, bits); }
  static IpAddress v6(uint128 bits) { return IpAddress(Family::v6, bits); }

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::v4; }
  // The address as an integer, most significant bit first; IPv4 in the low 32 bits.
  uint128 bits() const { return bits_; }
  std::uint32_t v4_bits() const { return static_cast<std::uint32_t>(bits_); }
  int width() const { return is_v4() ? 32 : 128; }

  std::string to_string() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  IpAddress(Family f, uint128 bits) : family_(f), bits_(bits) {}
  Family family_ = Family::v4;
  uint128 bits_ = 0;
};

class IpPrefix {
 public:
  // "10.40.0.0/16", "2001:db8::/32"; a bare address is a host prefix.
  // Host bits set beyond the prefix length are an error: they usually mean
  // a typo that would silently widen or move a zone.
  static Result<IpPrefix> parse(std::string_view text);
  IpPrefix(IpAddress network, int length) : network_(network), length_(length) {}

  const IpAddress& network() const { return network_; }
  int length() const { return length_; }
  bool contains(const IpAddress& a) const;
  bool overlaps(const IpPrefix& other) const;
  // First and last address covered, as integers.
  uint128 first() const { return network_.bits(); }
  uint128 last() const;
  std::string to_string() const;
  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;

 private:
  IpAddress network_;
  int length_;
};

// Mask with the top `length` bits of a `width`-bit address set.
uint128 prefix_mask(int width, int length);

// Two observations are the same network when they share the /24 (IPv4) or
// /64 (IPv6): a home router's DHCP may move a client within it, but a move
// beyond it means the user is somewhere else (a registered location is
// then stale: the locator warns, the location service asks again).
bool same_network(const IpAddress& a, const IpAddress& b);

// Whether `address` (text, as a connection's peer is given: "10.0.5.10",
// "::ffff:10.0.5.10") is an IP address inside one of `ranges`; false when
// it does not parse. For the lists of clients an endpoint trusts.
bool address_in(std::string_view address, const std::vector<IpPrefix>& ranges);

}  // namespace e911
