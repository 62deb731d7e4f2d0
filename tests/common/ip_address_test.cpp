#include "common/ip_address.h"

#include <gtest/gtest.h>

namespace e911 {

TEST(IpAddress, ParsesV4AndV6AndFoldsMapped) {
  auto a = IpAddress::parse("10.40.1.23");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->v4_bits(), 0x0a280117u);
  auto m = IpAddress::parse("::ffff:10.40.1.23");
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, *a);
  auto b = IpAddress::parse("2001:db8:40:1::5");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->is_v4());
  EXPECT_EQ(b->to_string(), "2001:db8:40:1::5");
}

TEST(IpAddress, RejectsMalformed) {
  for (const char* bad : {"10.40.1.999", "", "10.40.1", "1.2.3.4.5", "abc", "2001:db8:::1", " 10.0.0.1",
                          "10.0.0.1 ", "::gg"}) {
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
  }
  EXPECT_FALSE(IpAddress::parse(std::string_view("10.0.0.1\0", 9)));
}

TEST(IpPrefix, ParsesContainsAndRejectsHostBits) {
  auto p = IpPrefix::parse("10.40.0.0/16");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->contains(*IpAddress::parse("10.40.255.1")));
  EXPECT_FALSE(p->contains(*IpAddress::parse("10.41.0.1")));
  EXPECT_FALSE(p->contains(*IpAddress::parse("2001:db8::1")));
  auto v6 = IpPrefix::parse("2001:db8:40:1::/64");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->contains(*IpAddress::parse("2001:db8:40:1:ffff::1")));
  auto host = IpPrefix::parse("10.40.1.1/24");
  ASSERT_FALSE(host.ok());
  EXPECT_NE(host.error().message.find("did you mean 10.40.1.0/24"), std::string::npos);
  EXPECT_FALSE(IpPrefix::parse("10.40.0.0/33").ok());
  EXPECT_FALSE(IpPrefix::parse("10.40.0.0/").ok());
  EXPECT_FALSE(IpPrefix::parse("10.40.0.0/1x").ok());
  auto all = IpPrefix::parse("0.0.0.0/0");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->contains(*IpAddress::parse("203.0.113.9")));
}

TEST(IpPrefix, AddressInRanges) {
  const std::vector<IpPrefix> ranges{*IpPrefix::parse("10.0.5.10"), *IpPrefix::parse("2001:db8:5::/64")};
  EXPECT_TRUE(address_in("10.0.5.10", ranges));
  EXPECT_TRUE(address_in("::ffff:10.0.5.10", ranges));  // a dual-stack socket's view
  EXPECT_TRUE(address_in("2001:db8:5::7", ranges));
  EXPECT_FALSE(address_in("10.0.5.11", ranges));
  EXPECT_FALSE(address_in("not an address", ranges));
  EXPECT_FALSE(address_in("10.0.5.10", {}));
}

}  // namespace e911
