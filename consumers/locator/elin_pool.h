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
// first, in the registry's order; of equal times, the one applied first), so calls from one zone within the window
// get different ELINs while the pool lasts; when every one is held by a
// call within the window, the oldest assignment is reused and the caller
// it pointed to is no longer reachable through it (`reused`, warning
// elin-reused). A call assigned before gets its ELIN again (a redelivered
// event assigns nothing new).
//
// Claims: replicas sharing one pool (through the assignments topic) each
// choose from their view, which may lack an assignment another replica is
// making in the same instant. A choice is therefore a claim: it names the
// assignment it supersedes, and an assignment is applied only if that is
// still the ELIN's latest (compare-and-set, in the topic's order, which
// every reader sees alike). A replica whose claim lost reads the winner's
// and chooses again, so no ELIN is given to two calls within the window
// while the pool lasts.
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
  // A claim on the ELIN (see "Claims" above): the call id of the ELIN's
  // latest assignment when it was chosen, "" when it had none. nullopt:
  // unconditional (records written before claims; `e911 resolve`).
  std::optional<std::string> supersedes{};
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
  // (elin left empty; assigned_at: the call's time), as a claim (supersedes
  // set), not yet applied: apply() it once it is on the shared topic.
  Assigned choose(const std::vector<std::string>& pool_numbers, const ElinAssignment& who) const;
  // choose() and apply() at once: for a single assigner (`e911 resolve`, a
  // locator without the topic).
  Assigned assign(const std::vector<std::string>& pool_numbers, const ElinAssignment& who);

  // Who a call to `elin` should reach at `now`: its assignment within the
  // window, or nullopt.
  std::optional<ElinAssignment> lookup(std::string_view elin, EpochMillis now) const;

  // Applies an assignment read from the topic (this replica's own claims,
  // another's, or the topic read back at start), in the topic's order:
  //   taken:   it is now the ELIN's latest assignment;
  //   already: the ELIN's latest is this call's already (a repeat);
  //   lost:    a claim whose superseded assignment is no longer the ELIN's
  //            latest (another claim came first), or an unconditional
  //            record older than the latest; nothing changes.
  // A claim on an ELIN with no assignment at all is taken: what it names
  // may have been compacted away (the topic keeps only each ELIN's last
  // record, and min.compaction.lag.ms >= the window keeps that harmless).
  enum class Applied { taken, already, lost };
  Applied apply(const ElinAssignment& assignment);

  // The ELIN's latest assignment, however old; nullptr if never assigned.
  const ElinAssignment* latest(std::string_view elin) const;

  // One entry per ELIN ever assigned: bounded by the registry's pools.
  std::size_t size() const { return by_elin_.size(); }
  std::chrono::milliseconds window() const { return window_; }

 private:
  bool active(const ElinAssignment& a, EpochMillis now) const { return now - a.assigned_at < window_.count(); }

  // The latest assignment of an ELIN, and when it was applied: of two
  // assignments with the same time (calls stamped in the same second), the
  // one applied first is the less recent; the topic's order is every
  // replica's, so they agree.
  struct Held {
    ElinAssignment assignment;
    std::uint64_t applied = 0;
  };

  std::chrono::milliseconds window_;
  std::unordered_map<std::string, Held> by_elin_;
  std::uint64_t applied_ = 0;  // assignments applied so far
};

}  // namespace e911::locator
