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
    if (it != by_elin_.end() && it->second.assignment.call_id == who.call_id &&
        active(it->second.assignment, who.assigned_at)) {
      return {it->second.assignment, false, false};
    }
  }
  const std::string* chosen = nullptr;
  const Held* oldest = nullptr;
  for (const auto& elin : pool_numbers) {
    const auto it = by_elin_.find(elin);
    if (it == by_elin_.end()) {  // never assigned: the least recent of all
      chosen = &elin;
      oldest = nullptr;
      break;
    }
    const Held& h = it->second;
    if (!oldest || h.assignment.assigned_at < oldest->assignment.assigned_at ||
        (h.assignment.assigned_at == oldest->assignment.assigned_at && h.applied < oldest->applied)) {
      oldest = &h;
      chosen = &elin;
    }
  }
  ElinAssignment a = who;
  a.elin = *chosen;
  a.supersedes = oldest ? oldest->assignment.call_id : std::string();
  const bool held = oldest && active(oldest->assignment, who.assigned_at);
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
  return it == by_elin_.end() ? nullptr : &it->second.assignment;
}

std::optional<ElinAssignment> ElinAssignments::lookup(std::string_view elin, EpochMillis now) const {
  const auto* a = latest(elin);
  if (!a || !active(*a, now)) return std::nullopt;
  return *a;
}

ElinAssignments::Applied ElinAssignments::apply(const ElinAssignment& assignment) {
  auto [it, fresh] = by_elin_.try_emplace(assignment.elin, Held{assignment, applied_ + 1});
  if (fresh) {
    ++applied_;
    return Applied::taken;
  }
  Held& current = it->second;
  if (current.assignment.call_id == assignment.call_id) return Applied::already;
  const bool wins = assignment.supersedes ? *assignment.supersedes == current.assignment.call_id
                                          : assignment.assigned_at >= current.assignment.assigned_at;
  if (!wins) return Applied::lost;
  current = Held{assignment, ++applied_};
  return Applied::taken;
}

}  // namespace e911::locator
