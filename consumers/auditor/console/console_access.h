#pragma once
// What a console user may see, by role (console_people.h): an auditor
// everything, read-only; a site lead only the calls of their sites. Pure:
// the router (console_service.h) applies these to every query before the
// store is asked, so a site lead's filter can never reach another site's
// rows, and a call of another site answers exactly as a missing one.

#include <string>
#include <string_view>
#include <vector>

#include "consumers/auditor/console/console_people.h"
#include "consumers/auditor/query/call_query.h"

namespace e911::auditor::console {

// Who is looking, once signed in (a session cookie or the SSO header).
struct Viewer {
  std::string identity;
  Role role = Role::auditor;
  std::vector<std::string> sites;  // site_lead's
  bool sso = false;                // signed in by the proxy's header (no sign-out form)
  std::string csrf;                // the token the page's forms carry
};

// The viewer the people file says `identity` is now; nullopt when the file
// no longer lists them (a session outlives no removal).
std::optional<Viewer> viewer_of(const People& people, std::string_view identity);

// Restricts `filter` to the viewer's sites (a site lead's `site` outside
// them then matches nothing).
void restrict_to_viewer(const Viewer& viewer, CallFilter& filter);

// Whether the viewer may see this call.
bool may_see_call(const Viewer& viewer, const CallRow& call);

// The journal's exports (bundle, LogEvents) cover every site: auditors only.
bool may_export_journal(const Viewer& viewer);

}  // namespace e911::auditor::console
