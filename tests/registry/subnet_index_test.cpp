#include "registry/subnet_index.h"

#include <gtest/gtest.h>

#include <random>

namespace e911::registry {
namespace {

IpPrefix P(const char* text) { return IpPrefix::parse(text).value(); }
IpAddress A(const char* text) { return *IpAddress::parse(text); }

TEST(SubnetIndex, LongestPrefixWinsForNestedPrefixes) {
  SubnetIndex idx;
  idx.add(P("10.40.0.0/16"), 1);
  idx.add(P("10.40.1.0/24"), 2);
  idx.add(P("10.40.2.0/24"), 3);
  idx.add(P("10.40.2.128/25"), 4);
  idx.add(P("2001:db8:40:1::/64"), 5);
  idx.add(P("2001:db8::/32"), 6);
  idx.build();
  EXPECT_EQ(idx.lookup(A("10.40.1.23")), 2u);
  EXPECT_EQ(idx.lookup(A("10.40.2.40")), 3u);
  EXPECT_EQ(idx.lookup(A("10.40.2.200")), 4u);
  EXPECT_EQ(idx.lookup(A("10.40.2.255")), 4u);
  EXPECT_EQ(idx.lookup(A("10.40.3.0")), 1u);
  EXPECT_EQ(idx.lookup(A("10.40.255.255")), 1u);
  EXPECT_EQ(idx.lookup(A("10.41.0.0")), SubnetIndex::kNone);
  EXPECT_EQ(idx.lookup(A("10.39.255.255")), SubnetIndex::kNone);
  EXPECT_EQ(idx.lookup(A("0.0.0.0")), SubnetIndex::kNone);
  EXPECT_EQ(idx.lookup(A("255.255.255.255")), SubnetIndex::kNone);
  EXPECT_EQ(idx.lookup(A("2001:db8:40:1::9")), 5u);
  EXPECT_EQ(idx.lookup(A("2001:db8:40:2::9")), 6u);
  EXPECT_EQ(idx.lookup(A("2001:db9::1")), SubnetIndex::kNone);
  EXPECT_EQ(idx.lookup(A("ffff::1")), SubnetIndex::kNone);
  EXPECT_EQ(idx.lookup(A("::1")), SubnetIndex::kNone);
}

TEST(SubnetIndex, EmptyAndDefaultRoute) {
  SubnetIndex empty;
  empty.build();
  EXPECT_EQ(empty.lookup(A("10.0.0.1")), SubnetIndex::kNone);
  EXPECT_EQ(empty.lookup(A("2001:db8::1")), SubnetIndex::kNone);
  SubnetIndex all;
  all.add(P("0.0.0.0/0"), 7);
  all.add(P("255.255.255.255/32"), 8);
  all.build();
  EXPECT_EQ(all.lookup(A("1.2.3.4")), 7u);
  EXPECT_EQ(all.lookup(A("255.255.255.255")), 8u);
  EXPECT_EQ(all.lookup(A("255.255.255.254")), 7u);
}

// Cross-check against a linear scan over random nested prefixes.
TEST(SubnetIndex, MatchesBruteForceOnRandomPrefixes) {
  std::mt19937_64 rng(42);
  std::vector<std::pair<IpPrefix, std::uint32_t>> prefixes;
  SubnetIndex idx;
  for (std::uint32_t i = 0; i < 3000; ++i) {
    const int len = static_cast<int>(rng() % 25) + 8;
    const auto base = static_cast<std::uint32_t>(rng()) & 0x0fffffffu;  // cluster to force nesting
    const auto masked = static_cast<std::uint32_t>(base & static_cast<std::uint32_t>(prefix_mask(32, len)));
    IpPrefix p(IpAddress::v4(masked), len);
    prefixes.emplace_back(p, i);
    idx.add(p, i);
  }
  idx.build();
  for (int q = 0; q < 20000; ++q) {
    const auto addr = IpAddress::v4(static_cast<std::uint32_t>(rng()) & 0x0fffffffu);
    std::uint32_t expect = SubnetIndex::kNone;
    int best = -1;
    for (const auto& [p, v] : prefixes) {
      if (p.contains(addr) && p.length() >= best) {  // later equal prefix wins, as in the index
        best = p.length();
        expect = v;
      }
    }
    ASSERT_EQ(idx.lookup(addr), expect) << addr.to_string();
  }
}

}  // namespace
}  // namespace e911::registry
