#include "consumers/auditor/console/console_people.h"

#include <algorithm>

#include "common/split_fields.h"
#include "common/text.h"

namespace e911::auditor::console {

namespace {

constexpr std::size_t kMaxIdentityChars = 128;
constexpr std::size_t kMaxSiteChars = 64;

bool all_of_chars(std::string_view s, std::string_view extra) {
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

}  // namespace

std::string_view role_name(Role role) { return role == Role::auditor ? "auditor" : "site-lead"; }

bool is_valid_identity(std::string_view identity) {
  return !identity.empty() && identity.size() <= kMaxIdentityChars && all_of_chars(identity, "._@+-");
}

bool is_valid_site_id(std::string_view site) {
  return !site.empty() && site.size() <= kMaxSiteChars && all_of_chars(site, "._:-");
}

Result<std::vector<Person>> parse_people(std::string_view text, std::string_view file_name) {
  std::vector<Person> people;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto at = [&](const std::string& why) {
      return Error{std::string(file_name) + ":" + std::to_string(line_no) + ": " + why};
    };
    const auto t = trim(line);
    if (t.empty() || t.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    const auto words = split_fields(t, " \t");
    if (words.size() < 2 || words.size() > 3) return at("expected IDENTITY ROLE [SITE,SITE...]");
    Person p;
    if (!is_valid_identity(words[0])) {
      return at("identity " + quote_for_message(words[0]) + " is not 1-128 characters of A-Z a-z 0-9 . _ @ + -");
    }
    p.identity = std::string(words[0]);
    if (words[1] == "auditor") {
      p.role = Role::auditor;
      if (words.size() == 3) return at("an auditor sees every site: no site list after auditor");
    } else if (words[1] == "site-lead") {
      p.role = Role::site_lead;
      if (words.size() != 3) return at("a site-lead needs their sites (comma-separated) after site-lead");
      std::string_view sites = words[2];
      std::size_t s = 0;
      while (s <= sites.size()) {
        auto comma = sites.find(',', s);
        if (comma == std::string_view::npos) comma = sites.size();
        const auto site = sites.substr(s, comma - s);
        if (!is_valid_site_id(site)) {
          return at("site " + quote_for_message(site) + " is not 1-64 characters of A-Z a-z 0-9 . _ : -");
        }
        p.sites.emplace_back(site);
        s = comma + 1;
      }
      std::sort(p.sites.begin(), p.sites.end());
      p.sites.erase(std::unique(p.sites.begin(), p.sites.end()), p.sites.end());
    } else {
      return at("unknown role " + quote_for_message(words[1]) + " (auditor or site-lead)");
    }
    for (const auto& other : people) {
      if (other.identity == p.identity) return at("identity " + quote_for_message(p.identity) + " listed twice");
    }
    people.push_back(std::move(p));
    if (end == text.size()) break;
  }
  return people;
}

People::People(std::vector<Person> people) : people_(std::move(people)) {
  std::sort(people_.begin(), people_.end(), [](const Person& a, const Person& b) { return a.identity < b.identity; });
}

const Person* People::find(std::string_view identity) const {
  const auto it = std::lower_bound(people_.begin(), people_.end(), identity,
                                   [](const Person& p, std::string_view id) { return p.identity < id; });
  return it != people_.end() && it->identity == identity ? &*it : nullptr;
}

}  // namespace e911::auditor::console
