#include "producers/locations/registration_status.h"

#include <gtest/gtest.h>

#include "tests/locations/contract_address.h"

namespace e911::locations {
namespace {

constexpr EpochMillis kHour = 3'600'000;

LocationUpdate home(EpochMillis at) {
  LocationUpdate u;
  u.user_id = "u-7002";
  u.occurred_at = at;
  u.address = test::contract_address();
  u.network_ip = IpAddress::parse("198.51.100.7");
  return u;
}

TEST(RegistrationStatus, NothingRegisteredIsMissing) {
  const auto r = registration_status(nullptr, 10 * kHour, 12 * kHour, {});
  EXPECT_EQ(r.status, RegistrationStatus::missing);
  EXPECT_FALSE(r.reasons.empty());
}

TEST(RegistrationStatus, AMultiDwellingAddressWithoutUnitIsNotDispatchableWhateverItsAge) {
  auto u = home(10 * kHour);
  u.address.unit.clear();
  const auto r = registration_status(&u, 10 * kHour, 12 * kHour, {});
  EXPECT_EQ(r.status, RegistrationStatus::not_dispatchable);
  EXPECT_NE(r.reasons.at(0).find("unit"), std::string::npos);
}

TEST(RegistrationStatus, AnAddressWithoutStreetOrPlaceIsNotDispatchable) {
  auto u = home(10 * kHour);
  u.address.street.clear();
  EXPECT_EQ(registration_status(&u, 10 * kHour, 12 * kHour, {}).status, RegistrationStatus::not_dispatchable);
}

TEST(RegistrationStatus, OlderThanAllowedIsStaleAndSaysHowOld) {
  const auto u = home(0);
  EXPECT_EQ(registration_status(&u, 12 * kHour, 12 * kHour, {}).status, RegistrationStatus::confirmed);
  const auto r = registration_status(&u, 72 * kHour, 12 * kHour, {});
  EXPECT_EQ(r.status, RegistrationStatus::stale);
  EXPECT_NE(r.reasons.at(0).find("3 days"), std::string::npos);
}

TEST(RegistrationStatus, AnotherNetworkThanTheRegisteredOneIsNetworkChanged) {
  const auto u = home(0);
  SeenNetwork same{.ip = IpAddress::parse("198.51.100.200")};
  EXPECT_EQ(registration_status(&u, kHour, 12 * kHour, same).status, RegistrationStatus::confirmed);
  SeenNetwork other{.ip = IpAddress::parse("203.0.113.9")};
  EXPECT_EQ(registration_status(&u, kHour, 12 * kHour, other).status, RegistrationStatus::network_changed);
  // A VPN egress says nothing about where the user is.
  EXPECT_EQ(registration_status(&u, kHour, 12 * kHour, other, /*ip_informative=*/false).status,
            RegistrationStatus::confirmed);
}

TEST(RegistrationStatus, AnotherAccessPointIsNetworkChanged) {
  auto u = home(0);
  u.network_bssid = MacAddress::parse("00:11:22:33:44:55");
  SeenNetwork seen{.bssid = MacAddress::parse("00-11-22-33-44-56")};
  EXPECT_EQ(registration_status(&u, kHour, 12 * kHour, seen).status, RegistrationStatus::network_changed);
}

TEST(RegistrationStatus, NamesAreTheApisAndReadBack) {
  for (const auto s : {RegistrationStatus::confirmed, RegistrationStatus::stale, RegistrationStatus::network_changed,
                       RegistrationStatus::missing, RegistrationStatus::not_dispatchable}) {
    EXPECT_EQ(status_from_name(status_name(s)), s);
  }
  EXPECT_EQ(status_name(RegistrationStatus::network_changed), "network-changed");
  EXPECT_FALSE(status_from_name("ok"));
}

}  // namespace
}  // namespace e911::locations
