#pragma once
// The ELIN assignment the locator's ELIN tests share: one of Austin's
// second-floor pool, for caller u-1 at extension 5001, whose own callback
// number is +15125550142.

#include "common/timestamp.h"
#include "consumers/locator/elin_pool.h"

namespace e911::test {

inline locator::ElinAssignment austin_assignment(EpochMillis assigned_at) {
  return {.elin = "+15125550190",
          .pool = "austin/austin-2",
          .call_id = "c-1",
          .user_id = "u-1",
          .extension = "5001",
          .callback = "+15125550142",
          .assigned_at = assigned_at};
}

}  // namespace e911::test
