#include "common/ip_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "common/text.h"

namespace e911 {

uint128 prefix_mask(int width, int length) {
  if (length <= 0) return 0;
  const uint128 all = (width == 32) ? uint128{0xffffffffu} : ~uint128{0};
  if (length >= width) return all;
  return (all << (width - length)) & all;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // Longest textual IPv6 form with an embedded IPv4 tail is 45 characters.
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (std::memchr(buf, '\0', text.size()) != nullptr) return std::nullopt;

  if (text.find(':') == std::string_view::npos) {
    in_addr a4{};
    if (inet_pton(AF_INET, buf, &a4) != 1) return std::nullopt;
    return IpAddress::v4(ntohl(a4.s_addr));
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, buf, &a6) != 1) return std::nullopt;
  uint128 bits = 0;
  for (unsigned char byte : a6.s6_addr) bits = (bits << 8) | byte;
  // ::ffff:a.b.c.d is an IPv4 caller seen through a dual-stack socket.
  if ((bits >> 32) == uint128{0xffff}) return IpAddress::v4(static_cast<std::uint32_t>(bits));
  return IpAddress::v6(bits);
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4()) {
    in_addr a4{};
    a4.s_addr = htonl(v4_bits());
    inet_ntop(AF_INET, &a4, buf, sizeof buf);
  } else {
    in6_addr a6{};
    uint128 b = bits_;
    for (int i = 15; i >= 0; --i) {
      a6.s6_addr[i] = static_cast<unsigned char>(b & 0xff);
      b >>= 8;
    }
    inet_ntop(AF_INET6, &a6, buf, sizeof buf);
  }
  return buf;
}

Result<IpPrefix> IpPrefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  const std::string_view addr_text = text.substr(0, slash);
  const auto addr = IpAddress::parse(addr_text);
  if (!addr) return Error{"not an IP prefix: " + quote_for_message(text)};
  int length = addr->width();
  if (slash != std::string_view::npos) {
    const std::string_view len_text = text.substr(slash + 1);
    const auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
    if (ec != std::errc{} || ptr != len_text.data() + len_text.size() || len_text.empty() || length < 0 ||
        length > addr->width()) {
      return Error{"not an IP prefix (bad length): " + quote_for_message(text)};
    }
  }
  const uint128 mask = prefix_mask(addr->width(), length);
  if ((addr->bits() & ~mask & prefix_mask(addr->width(), addr->width())) != 0) {
    const IpAddress network = addr->is_v4() ? IpAddress::v4(static_cast<std::uint32_t>(addr->bits() & mask))
                                            : IpAddress::v6(addr->bits() & mask);
    return Error{"IP prefix has host bits set: " + quote_for_message(text) + " (did you mean " +
                 network.to_string() + "/" + std::to_string(length) + "?)"};
  }
  return IpPrefix(*addr, length);
}

bool IpPrefix::contains(const IpAddress& a) const {
  if (a.family() != network_.family()) return false;
  return (a.bits() & prefix_mask(a.width(), length_)) == network_.bits();
}

bool IpPrefix::overlaps(const IpPrefix& other) const {
  if (other.network_.family() != network_.family()) return false;
  return first() <= other.last() && other.first() <= last();
}

uint128 IpPrefix::last() const {
  const int w = network_.width();
  return network_.bits() | (~prefix_mask(w, length_) & prefix_mask(w, w));
}

std::string IpPrefix::to_string() const { return network_.to_string() + "/" + std::to_string(length_); }

bool same_network(const IpAddress& a, const IpAddress& b) {
  if (a.family() != b.family()) return false;
  const int len = a.is_v4() ? 24 : 64;
  const uint128 mask = prefix_mask(a.width(), len);
  return (a.bits() & mask) == (b.bits() & mask);
}

bool address_in(std::string_view address, const std::vector<IpPrefix>& ranges) {
  const auto ip = IpAddress::parse(address);
  if (!ip) return false;
  for (const IpPrefix& range : ranges) {
    if (range.contains(*ip)) return true;
  }
  return false;
}

}  // namespace e911
