#pragma once
// Who is asking, for the user endpoints of the location service
// (docs/locations.md, "Who is asking"): a personal link (a bearer token
// personal_link.h signs), or the identity header the organisation's SSO
// proxy sets, believed only from the proxies' addresses. Also what network
// the client is on, which the same proxies report in X-Forwarded-For.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ip_address.h"
#include "common/net/http_message.h"
#include "common/result.h"
#include "producers/locations/registration_status.h"

namespace e911::locations {

struct IdentityOptions {
  std::string header = "X-Forwarded-User";  // what the SSO proxy sets
  std::vector<IpPrefix> trusted_proxies{};  // only their header is believed
  std::string link_secret{};                // empty: personal links are refused
};

struct Identity {
  enum class Via { link, proxy };
  std::string user_id;
  Via via = Via::proxy;
};

// The longest user id accepted from either source.
inline constexpr std::size_t kMaxUserIdChars = 256;

// The user, or an error for a 401 that says what was wrong without
// echoing what was sent. A bearer token that is a personal link must
// verify, whatever else the request carries; the identity header counts
// only from a trusted proxy (from anyone else it is refused, not ignored:
// a forged header is an attack worth seeing in the counts).
Result<Identity> identify(const net::HttpRequest& request, const IdentityOptions& options, std::int64_t now_s);

// Whether the connection comes from one of the trusted proxies.
bool from_trusted_proxy(const net::HttpRequest& request, const IdentityOptions& options);

// The client's network as the service sees it: `ip` and `bssid` from the
// query when the client says (a softphone knows its Wi-Fi), else the
// connection's address; from a trusted proxy, the first X-Forwarded-For
// address (none without it: the proxy's own address is not the user's). Query values that do not parse are
// ignored here (the registration itself rejects them by name).
SeenNetwork seen_network(const net::HttpRequest& request, const IdentityOptions& options);

}  // namespace e911::locations
