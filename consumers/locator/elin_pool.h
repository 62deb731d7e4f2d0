#pragma once
// ELINs (Emergency Location Identification Numbers): a zone or site lists
// numbers its carrier's ALI database maps to the zone's address, and a
// call located there conveys one of them, so the PSAP sees the right
// address and its callback to that number can be routed to the caller.
// The same number serves callers one after another, so which caller a
// callback should reach depends on who was last given it: this keeps that
// mapping. Pure: no I/O, no clock (times are the calls' own).
//
// Assignment: the least recently assigned ELIN of the pool (never assigned
// first, in the registry's order), so calls from one zone within the window
// get different ELINs while the pool lasts; when every one is held by a
// call within the window, the oldest assignment is reused and the caller
// it pointed to is no longer reachable through it (`reused`, warning
// elin-reused). A call assigned before gets its ELIN again (a redelivered
// event assigns nothing new).
//
// The mapping answers for `window` (default 3 hours, as Cisco Emergency
// Responder's) after the assignment; after that a callback to the ELIN
// has no caller to reach.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/timestamp.h"

namespace e911::locator {

struct ElinAssignment {
  std::string elin;
  std::string pool;  // "site-id" or "site-id/zone-id": whose numbers
  std::string call_id;
  std::string user_id;
  std::string extension;
  std::string callback;  // the caller's own callback number
  EpochMillis assigned_at = 0;
};

class ElinAssignments {
 public:
  static constexpr std::chrono::milliseconds kDefaultWindow = std::chrono::hours(3);

  explicit ElinAssignments(std::chrono::milliseconds window = kDefaultWindow) : window_(window) {}

  struct Assigned {
    ElinAssignment assignment;
    bool reused = false;  // it took an ELIN another call held within the window
    bool fresh = true;    // false: the call had it already (nothing changed)
  };

  // One ELIN of `pool_numbers` (non-empty; std::invalid_argument otherwise) for the call `who` describes
  // (elin left empty; assigned_at: the call's time).
  Assigned assign(const std::vector<std::string>& pool_numbers, const ElinAssignment& who);

  // Who a call to `elin` should reach at `now`: its assignment within the
  // window, or nullopt.
  std::optional<ElinAssignment> lookup(std::string_view elin, EpochMillis now) const;

  // Applies an assignment made elsewhere (another replica, the assignments
  // topic read back at start); the later of two for one ELIN wins.
  void apply(const ElinAssignment& assignment);

  // One entry per ELIN ever assigned: bounded by the registry's pools.
  std::size_t size() const { return by_elin_.size(); }
  std::chrono::milliseconds window() const { return window_; }

 private:
  bool active(const ElinAssignment& a, EpochMillis now) const { return now - a.assigned_at < window_.count(); }

  std::chrono::milliseconds window_;
  std::unordered_map<std::string, ElinAssignment> by_elin_;  // the latest assignment of each ELIN
};

}  // namespace e911::locator
