#include "consumers/locator/location_store.h"

namespace e911::locator {

bool LocationStore::apply(const LocationUpdate& u) {
  auto it = entries_.find(std::string_view(u.user_id));
  if (it != entries_.end() && it->second.occurred_at > u.occurred_at) return false;
  Entry e;
  e.occurred_at = u.occurred_at;
  e.network_ip = u.network_ip;
  e.network_bssid = u.network_bssid;
  e.validated = u.validated;
  e.multi_dwelling = u.address.multi_dwelling;
  const auto fields = civic_fields();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string& value = u.address.*fields[i].member;
    if (value.empty()) continue;
    e.packed_address += static_cast<char>('A' + i);
    e.packed_address += value;
    e.packed_address += '\0';  // values never hold NUL: the decoder rejects it
  }
  if (it == entries_.end()) entries_.emplace(u.user_id, std::move(e));
  else it->second = std::move(e);
  return true;
}

std::optional<Registration> LocationStore::find(std::string_view user_id) const {
  const auto it = entries_.find(user_id);
  if (it == entries_.end()) return std::nullopt;
  const Entry& e = it->second;
  Registration r;
  r.occurred_at = e.occurred_at;
  r.network_ip = e.network_ip;
  r.network_bssid = e.network_bssid;
  r.validated = e.validated;
  r.address.multi_dwelling = e.multi_dwelling;
  const auto fields = civic_fields();
  std::size_t p = 0;
  const std::string& s = e.packed_address;
  while (p < s.size()) {
    const auto index = static_cast<std::size_t>(s[p] - 'A');
    const auto end = s.find('\0', p + 1);
    r.address.*fields[index].member = s.substr(p + 1, end - p - 1);
    p = end + 1;
  }
  return r;
}

bool LocationStore::remove(std::string_view user_id) {
  const auto it = entries_.find(user_id);
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

}  // namespace e911::locator
