#include "consumers/auditor/console/console_access.h"

#include <algorithm>

namespace e911::auditor::console {

std::optional<Viewer> viewer_of(const People& people, std::string_view identity) {
  const Person* p = people.find(identity);
  if (!p) return std::nullopt;
  Viewer v;
  v.identity = p->identity;
  v.role = p->role;
  v.sites = p->sites;
  return v;
}

void restrict_to_viewer(const Viewer& viewer, CallFilter& filter) {
  if (viewer.role == Role::auditor) return;
  filter.sites = viewer.sites;
}

bool may_see_call(const Viewer& viewer, const CallRow& call) {
  if (viewer.role == Role::auditor) return true;
  // A call not journaled yet (notifications first) has no site: not theirs.
  return !call.site_id.empty() && std::find(viewer.sites.begin(), viewer.sites.end(), call.site_id) != viewer.sites.end();
}

bool may_export_journal(const Viewer& viewer) { return viewer.role == Role::auditor; }

}  // namespace e911::auditor::console
