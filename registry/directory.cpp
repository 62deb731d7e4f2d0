#include "registry/directory.h"

#include "common/text.h"

namespace e911::registry {

Directory::Directory(const std::vector<DirectoryEntry>& entries) {
  for (const auto& entry : entries) {
    const auto i = static_cast<std::uint32_t>(users_.size());
    users_.push_back(entry.user_id);
    for (const auto& uri : entry.uris) index_.emplace("uri\n" + uri, i);
    for (const auto& number : entry.numbers) index_.emplace("tel\n" + number, i);
    for (const auto& extension : entry.extensions) index_.emplace("ext\n" + extension, i);
    if (!entry.email.empty()) emails_.emplace(entry.user_id, entry.email);
  }
}

const std::string* Directory::email_for_user(std::string_view user_id) const {
  const auto it = emails_.find(std::string(user_id));
  return it == emails_.end() ? nullptr : &it->second;
}

const std::string* Directory::find(std::string key) const {
  const auto it = index_.find(key);
  return it == index_.end() ? nullptr : &users_[it->second];
}

const std::string* Directory::user_for_uri(std::string_view user, std::string_view host) const {
  if (index_.empty() || user.empty() || host.empty()) return nullptr;
  return find("uri\n" + std::string(user) + "@" + to_lower_ascii(host));
}

const std::string* Directory::user_for_number(std::string_view e164) const {
  if (index_.empty() || e164.empty()) return nullptr;
  return find("tel\n" + std::string(e164));
}

const std::string* Directory::user_for_extension(std::string_view extension) const {
  if (index_.empty() || extension.empty()) return nullptr;
  return find("ext\n" + std::string(extension));
}

}  // namespace e911::registry
