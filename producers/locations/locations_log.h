#pragma once
// The location service's log (component "locations"): its service, API and
// reminders write to it.

#include "common/log.h"

namespace e911::locations {

inline const Logger& logger() {
  static const Logger log("locations");
  return log;
}

}  // namespace e911::locations
