#pragma once
// The registry's directory: who each SIP identity is. The ingest keys a
// caller by the user id listed for their SIP URI, number or extension
// (ingest.user_id.directory; docs/registry.md "The directory"), so a desk
// phone that calls itself 5001 finds the location its user registered.
// An entry may also give the user's e-mail address, where the location
// service sends their reminders.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace e911::registry {

struct DirectoryEntry {
  std::string user_id;
  std::vector<std::string> uris;        // canonical "user@host": host in lower case, no port or parameters
  std::vector<std::string> numbers;     // E.164: "+15125550101"
  std::vector<std::string> extensions;  // digits: "5001"
  std::string email{};                  // empty: none listed
};

class Directory {
 public:
  // The entries must have passed validation (registry_loader.h): each
  // identity listed for one user.
  explicit Directory(const std::vector<DirectoryEntry>& entries);

  // The user id of a SIP or SIPS URI's user and host (the host in any
  // case), of an E.164 number, of an extension; nullptr when it lists none.
  const std::string* user_for_uri(std::string_view user, std::string_view host) const;
  const std::string* user_for_number(std::string_view e164) const;
  const std::string* user_for_extension(std::string_view extension) const;
  // The e-mail address listed for a user id; nullptr when none.
  const std::string* email_for_user(std::string_view user_id) const;
  // No identities listed (e-mail addresses alone key no caller).
  bool empty() const { return index_.empty(); }
  std::size_t size() const { return index_.size(); }

 private:
  const std::string* find(std::string key) const;

  std::vector<std::string> users_;
  std::unordered_map<std::string, std::uint32_t> index_;  // "uri\nuser@host", "tel\n+1...", "ext\n5001"
  std::unordered_map<std::string, std::string> emails_;   // user id -> address
};

}  // namespace e911::registry
