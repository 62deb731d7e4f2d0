#pragma once
// CONTRACT.md's example registration address (500 Example Ave, Unit 4B,
// Austin, TX 78701, US; multi-dwelling), for the location service's tests.

#include "common/civic_address.h"

namespace e911::test {

inline CivicAddress contract_address() {
  CivicAddress a;
  a.country = "US";
  a.state = "TX";
  a.city = "Austin";
  a.street = "Example Ave";
  a.house_number = "500";
  a.postal_code = "78701";
  a.unit = "4B";
  a.multi_dwelling = true;
  return a;
}

}  // namespace e911::test
