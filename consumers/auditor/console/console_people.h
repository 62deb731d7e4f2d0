#pragma once
// Who may use the audit console (`e911 audit serve`, docs/auditor.md,
// "Console") and as what: the people file named by
// auditor.console.people.file, one person per line:
//
//   # IDENTITY  ROLE       SITES (site leads only, comma-separated)
//   alice@example.org  auditor
//   bob@example.org    site-lead  austin-hq,dallas-dc
//
// IDENTITY is what the SSO proxy's identity header carries, or the NAME of
// an API token (api_tokens.h) exchanged for a session: 1-128 characters
// of [A-Za-z0-9._@+-]. ROLE: `auditor` (everything, read-only) or
// `site-lead` (only the calls of their sites, at least one). Site ids:
// 1-64 characters of [A-Za-z0-9._:-]. '#' starts a comment line.
//
// Parsing is pure; PeopleFile (people_file.h) is the file edge: the file
// is looked at on every console request and re-read when it changed, and
// on SIGHUP (replace it atomically: write another file, rename it over).
// Every request checks its session against the file as it is then, so a
// person removed, or whose role or sites changed, loses their session at
// their next request (console_access.h).

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace e911::auditor::console {

enum class Role { auditor, site_lead };

// "auditor", "site-lead": the file's words, and the logs' and metrics'.
std::string_view role_name(Role role);

struct Person {
  std::string identity;
  Role role = Role::auditor;
  std::vector<std::string> sites;  // site_lead: sorted, at least one; auditor: none

  friend bool operator==(const Person&, const Person&) = default;
};

bool is_valid_identity(std::string_view identity);
bool is_valid_site_id(std::string_view site);

// A people file's content. Errors name the file and line
// ("people.txt:3: unknown role 'admin' (auditor or site-lead)");
// an identity listed twice is an error.
Result<std::vector<Person>> parse_people(std::string_view text, std::string_view file_name);

// The people, by identity. Immutable once built: safe from any thread.
class People {
 public:
  People() = default;
  explicit People(std::vector<Person> people);
  const Person* find(std::string_view identity) const;
  std::size_t size() const { return people_.size(); }

 private:
  std::vector<Person> people_;  // sorted by identity
};

}  // namespace e911::auditor::console
