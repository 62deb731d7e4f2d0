#pragma once
// A user's status as the location service tells it (docs/locations.md,
// "Status"): registration_status() with the deployment's stale threshold,
// what the user's client reported after they registered, and an IP in one
// of the registry's VPN ranges left uncompared (it says nothing about where
// the user is). The API, the admin listing, the reminders and `e911
// locations report` all ask here, so they never disagree.
//
// Pure.

#include <string>

#include "common/events.h"
#include "common/timestamp.h"
#include "producers/locations/registration_book.h"
#include "producers/locations/registration_status.h"
#include "registry/registry.h"

namespace e911::locations {

// `configured` when set (> 0), else the registry's defaults.stale_after
// (what the locator flags on a call).
EpochMillis stale_threshold(EpochMillis configured, const registry::Registry& registry);

// What the user's client last reported, if it reported after the
// registration it would be compared with (an older report says nothing
// about a newer registration); nothing otherwise.
SeenNetwork seen_since_registration(const UserRecord& user);

// The status of `registration` (nullptr: none) for a client on `seen`.
StatusReport status_in(const registry::Registry& registry, const LocationUpdate* registration, const SeenNetwork& seen,
                       EpochMillis now, EpochMillis stale_after);

// The id of the site whose network `registration` was made from; empty
// when the network is in no site (home, a café) or unknown.
std::string registered_site(const registry::Registry& registry, const LocationUpdate& registration);

// The country whose emergency number the user is told to dial: the
// registered address's; without a registration, the country of the site
// the client's network belongs to (an access point, else a subnet; a VPN
// address says nothing); else the country most of the registry's sites
// are in; empty with no sites.
std::string dialing_country(const registry::Registry& registry, const LocationUpdate* registration,
                            const SeenNetwork& seen);

// The status of a user from what the book holds about them.
StatusReport user_status(const UserRecord& user, const registry::Registry& registry, EpochMillis now,
                         EpochMillis stale_after);

}  // namespace e911::locations
