#include "consumers/locator/elin_pool.h"

#include <limits>
#include <stdexcept>

namespace e911::locator {

ElinAssignments::Assigned ElinAssignments::choose(const std::vector<std::string>& pool_numbers,
                                                  const ElinAssignment& who) const {
  if (pool_numbers.empty()) throw std::invalid_argument("an ELIN pool without numbers");
  // The call's own ELIN, if it was given one within the window.
  for (const auto& elin : pool_numbers) {
    const auto it = by_elin_.find(elin);
    if (it != by_elin_.end() && it->second.call_id == who.call_id && active(it->second, who.assigned_at)) {
      return {it->second, false, false};
    }
  }
  const std::string* chosen = nullptr;
  EpochMillis oldest = std::numeric_limits<EpochMillis>::max();
  bool held = false;
  for (const auto& elin : pool_numbers) {
    const auto it = by_elin_.find(elin);
    if (it == by_elin_.end()) {  // never assigned: the least recent of all
      chosen = &elin;
      held = false;
      break;
    }
    if (it->second.assigned_at < oldest) {
      oldest = it->second.assigned_at;
      chosen = &elin;
      held = active(it->second, who.assigned_at);
    }
  }
  ElinAssignment a = who;
  a.elin = *chosen;
  const auto previous = by_elin_.find(a.elin);
  a.supersedes = previous == by_elin_.end() ? std::string() : previous->second.call_id;
  return {std::move(a), held, true};
}

ElinAssignments::Assigned ElinAssignments::assign(const std::vector<std::string>& pool_numbers,
                                                  const ElinAssignment& who) {
  auto chosen = choose(pool_numbers, who);
  if (chosen.fresh) apply(chosen.assignment);
  return chosen;
}

const ElinAssignment* ElinAssignments::latest(std::string_view elin) const {
  const auto it = by_elin_.find(std::string(elin));
  return it == by_elin_.end() ? nullptr : &it->second;
}

std::optional<ElinAssignment> ElinAssignments::lookup(std::string_view elin, EpochMillis now) const {
  const auto it = by_elin_.find(std::string(elin));
  if (it == by_elin_.end() || !active(it->second, now)) return std::nullopt;
  return it->second;
}

ElinAssignments::Applied ElinAssignments::apply(const ElinAssignment& assignment) {
  auto [it, fresh] = by_elin_.try_emplace(assignment.elin, assignment);
  if (fresh) return Applied::taken;
  ElinAssignment& current = it->second;
  if (current.call_id == assignment.call_id) return Applied::already;
  const bool wins = assignment.supersedes ? *assignment.supersedes == current.call_id
                                          : assignment.assigned_at >= current.assigned_at;
  if (!wins) return Applied::lost;
  current = assignment;
  return Applied::taken;
}

}  // namespace e911::locator
