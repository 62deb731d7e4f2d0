#pragma once
// The registry of the notifier's crash and takeover tests: every call from
// London HQ's network alerts three e-mail recipients (the fallback list,
// never used, has one more). The site alone, for tests that give it
// another list.

#include <string>

namespace e911::notifier::test_registry {

// London HQ (10.40.0.0/16), alerting the list london-security.
inline constexpr const char* kLondonHqSite = R"(sites:
  - id: london-hq
    name: "London HQ"
    notify: london-security
    timezone: Europe/London
    address: {country: GB, city: London, street: "Example Road", house_number: "1"}
    subnets: ["10.40.0.0/16"]
)";

inline const std::string kThreeRecipients = std::string(R"(version: 1
defaults:
  fallback_list: corporate-soc
notification_lists:
  london-security:
    - {name: "Desk", email: "desk@example.com"}
    - {name: "Manager", email: "manager@example.com"}
    - {name: "Guard", email: "guard@example.com"}
  corporate-soc:
    - {name: "SOC", email: "soc@example.com"}
)") + kLondonHqSite;

}  // namespace e911::notifier::test_registry
