#pragma once
// A sample registration for the location-service tests and benchmarks: a
// dispatchable home address in Austin, registered by a user at a given time
// from a given network.

#include <string>

#include "common/events.h"

namespace e911::locations::test_data {

// A dispatchable home address in Austin, registered at `at` from `ip`.
inline LocationUpdate registration(const std::string& user, EpochMillis at, const char* ip = "198.51.100.7") {
  LocationUpdate u;
  u.event_id = "lu-" + user + "-" + std::to_string(at);
  u.user_id = user;
  u.occurred_at = at;
  u.source = "user";
  u.address.country = "US";
  u.address.state = "TX";
  u.address.city = "Austin";
  u.address.street = "Example Ave";
  u.address.house_number = "500";
  u.address.postal_code = "78701";
  u.network_ip = IpAddress::parse(ip);
  return u;
}

}  // namespace e911::locations::test_data
