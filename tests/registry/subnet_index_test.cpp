#include "registry/subnet_index.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <random>

namespace e911::registry {
namespace {

IpPrefix P(const char* text) { return IpPrefix::parse(text).value(); }
IpAddress A(const char* text) { return *IpAddress::parse(text); }

// A prefix and the value it is added to the index with.
struct SubnetEntry {
  const char* prefix;
  std::uint32_t value;
};

SubnetIndex built_subnet_index(std::initializer_list<SubnetEntry> entries) {
  SubnetIndex idx;
  for (const auto& e : entries) idx.add(P(e.prefix), e.value);
  idx.build();
  return idx;
}

// An address and the value lookup() must give for it (SubnetIndex::kNone:
// no prefix contains it).
struct SubnetLookupCase {
  const char* address;
  std::uint32_t value;
};

void expect_subnet_lookups(const SubnetIndex& idx, std::initializer_list<SubnetLookupCase> cases) {
  for (const auto& c : cases) EXPECT_EQ(idx.lookup(A(c.address)), c.value) << c.address;
}

TEST(SubnetIndex, LongestPrefixWinsForNestedPrefixes) {
  const SubnetIndex idx = built_subnet_index({
      {"10.40.0.0/16", 1},
      {"10.40.1.0/24", 2},
      {"10.40.2.0/24", 3},
      {"10.40.2.128/25", 4},
      {"2001:db8:40:1::/64", 5},
      {"2001:db8::/32", 6},
  });
  expect_subnet_lookups(idx, {
                                 {"10.40.1.23", 2u},
                                 {"10.40.2.40", 3u},
                                 {"10.40.2.200", 4u},
                                 {"10.40.2.255", 4u},
                                 {"10.40.3.0", 1u},
                                 {"10.40.255.255", 1u},
                                 {"10.41.0.0", SubnetIndex::kNone},
                                 {"10.39.255.255", SubnetIndex::kNone},
                                 {"0.0.0.0", SubnetIndex::kNone},
                                 {"255.255.255.255", SubnetIndex::kNone},
                                 {"2001:db8:40:1::9", 5u},
                                 {"2001:db8:40:2::9", 6u},
                                 {"2001:db9::1", SubnetIndex::kNone},
                                 {"ffff::1", SubnetIndex::kNone},
                                 {"::1", SubnetIndex::kNone},
                             });
}

TEST(SubnetIndex, EmptyAndDefaultRoute) {
  const SubnetIndex empty = built_subnet_index({});
  expect_subnet_lookups(empty, {
                                   {"10.0.0.1", SubnetIndex::kNone},
                                   {"2001:db8::1", SubnetIndex::kNone},
                               });
  const SubnetIndex all = built_subnet_index({{"0.0.0.0/0", 7}, {"255.255.255.255/32", 8}});
  expect_subnet_lookups(all, {
                                 {"1.2.3.4", 7u},
                                 {"255.255.255.255", 8u},
                                 {"255.255.255.254", 7u},
                             });
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
