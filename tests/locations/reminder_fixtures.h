#pragma once
// What the reminder tests share: a small registry (one site, two zones, a
// VPN range, a directory where u-1 has an e-mail address and u-2 none) and
// registrations made at a given time from a given network
// (sample_registration.h).

#include <memory>
#include <stdexcept>
#include <string>

#include "common/events.h"
#include "registry/registry_loader.h"
#include "tests/locations/sample_registration.h"

namespace e911::locations::test_data {

inline constexpr EpochMillis kHour = 3'600'000;
inline constexpr EpochMillis kDay = 24 * kHour;
inline constexpr EpochMillis kNow = 1'800'000'000'000;  // 2027-01-15T08:00:00Z
inline constexpr const char* kLinkSecret = "a-link-secret-of-more-than-thirty-two-bytes-0123456789";

// The notification list and the Austin site up to its subnets: a test that
// needs other sites appends them (and its own vpn_ranges).
inline constexpr const char* kAustinSiteRegistry = R"(version: 1
notification_lists:
  desk:
    - {name: "Desk", email: "desk@example.com"}
sites:
  - id: austin
    name: Austin
    notify: desk
    address: {country: US, state: TX, city: Austin, street: Congress Ave, house_number: "100", postal_code: "78701"}
    subnets: ["10.60.0.0/16"]
)";

inline const std::string kRegistry = std::string(kAustinSiteRegistry) + R"(    zones:
      - {id: f1, name: Floor 1, floor: "1", subnets: ["10.60.1.0/24"]}
      - {id: f2, name: Floor 2, floor: "2", subnets: ["10.60.2.0/24"]}
vpn_ranges: ["10.200.0.0/16"]
directory:
  - {user_id: u-1, email: "jane.doe@example.org", extensions: ["5001"]}
  - {user_id: u-2, extensions: ["5002"]}
)";

inline std::shared_ptr<const registry::Registry> load(const std::string& yaml) {
  auto load = registry::load_registry(yaml);
  if (!load.ok()) throw std::runtime_error("test registry: " + load.errors.front().message);
  return load.registry;
}

}  // namespace e911::locations::test_data
