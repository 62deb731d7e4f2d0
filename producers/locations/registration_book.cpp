#include "producers/locations/registration_book.h"

#include <algorithm>

namespace e911::locations {

UserRecord& RegistrationBook::entry(std::string_view user_id) {
  auto it = users_.find(std::string(user_id));
  if (it == users_.end()) it = users_.emplace(std::string(user_id), UserRecord{.user_id = std::string(user_id)}).first;
  return it->second;
}

bool RegistrationBook::apply(const LocationUpdate& update) {
  std::lock_guard lock(mu_);
  UserRecord& user = entry(update.user_id);
  if (user.registration && user.registration->occurred_at > update.occurred_at) return false;
  if (!user.registration) ++registrations_;
  user.registration = update;
  return true;
}

bool RegistrationBook::remove(std::string_view user_id) {
  std::lock_guard lock(mu_);
  const auto it = users_.find(std::string(user_id));
  if (it == users_.end() || !it->second.registration) return false;
  it->second.registration.reset();
  --registrations_;
  return true;
}

std::optional<LocationUpdate> RegistrationBook::registration(std::string_view user_id) const {
  std::lock_guard lock(mu_);
  const auto it = users_.find(std::string(user_id));
  if (it == users_.end()) return std::nullopt;
  return it->second.registration;
}

void RegistrationBook::note_seen(std::string_view user_id, const SeenNetwork& seen, EpochMillis at) {
  std::lock_guard lock(mu_);
  UserRecord& user = entry(user_id);  // known from now on, registered or not (missing)
  user.asked_at = std::max(user.asked_at, at);
  if (!seen.ip && !seen.bssid) return;  // says nothing of where the user is
  if (at < user.last_seen_at) return;   // a call or sighting read back from a topic, older than what is known
  user.last_seen = seen;
  user.last_seen_at = at;
}

void RegistrationBook::note_reminded(std::string_view user_id, EpochMillis at) {
  std::lock_guard lock(mu_);
  UserRecord& user = entry(user_id);
  user.last_reminded_at = std::max(user.last_reminded_at, at);
}

std::optional<UserRecord> RegistrationBook::find(std::string_view user_id) const {
  std::lock_guard lock(mu_);
  const auto it = users_.find(std::string(user_id));
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

std::vector<UserRecord> RegistrationBook::snapshot() const {
  std::vector<UserRecord> out;
  {
    std::lock_guard lock(mu_);
    out.reserve(users_.size());
    for (const auto& [id, user] : users_) out.push_back(user);
  }
  std::sort(out.begin(), out.end(), [](const UserRecord& a, const UserRecord& b) { return a.user_id < b.user_id; });
  return out;
}

std::size_t RegistrationBook::registrations() const {
  std::lock_guard lock(mu_);
  return registrations_;
}

}  // namespace e911::locations
