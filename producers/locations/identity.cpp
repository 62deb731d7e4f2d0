#include "producers/locations/identity.h"

#include <algorithm>

#include "common/net/api_tokens.h"
#include "common/net/query_params.h"
#include "common/text.h"
#include "producers/locations/personal_link.h"

namespace e911::locations {
namespace {

bool acceptable_user_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxUserIdChars &&
         std::none_of(id.begin(), id.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

}  // namespace

bool from_trusted_proxy(const net::HttpRequest& request, const IdentityOptions& options) {
  return address_in(request.client_address, options.trusted_proxies);
}

Result<Identity> identify(const net::HttpRequest& request, const IdentityOptions& options, std::int64_t now_s) {
  if (const auto authorization = request.header("Authorization")) {
    const auto token = net::bearer_token(*authorization);
    if (!token || !looks_like_personal_link(*token)) {
      return Error{"the Authorization header is not a personal link; sign in, or open the link from your e-mail"};
    }
    if (options.link_secret.empty()) return Error{"personal links are not enabled on this service"};
    auto user = verify_personal_link(options.link_secret, *token, now_s);
    if (!user) return user.error();
    if (!acceptable_user_id(*user)) return Error{"the personal link names no acceptable user"};
    return Identity{std::move(*user), Identity::Via::link};
  }
  if (const auto header = request.header(options.header)) {
    if (!from_trusted_proxy(request, options)) {
      return Error{"the identity header came from an address that is not a trusted proxy"};
    }
    const std::string user(trim(*header));
    if (!acceptable_user_id(user)) return Error{"the identity header holds no acceptable user id"};
    return Identity{user, Identity::Via::proxy};
  }
  return Error{"no identity: sign in through the organisation's sign-on, or open the link from your e-mail"};
}

SeenNetwork seen_network(const net::HttpRequest& request, const IdentityOptions& options) {
  SeenNetwork seen;
  net::QueryParams query;
  if (!net::parse_query(request.query, query)) {  // a query that does not decode says nothing
    if (const auto ip = query.find("ip"); ip != query.end()) seen.ip = IpAddress::parse(ip->second);
    if (const auto bssid = query.find("bssid"); bssid != query.end()) seen.bssid = MacAddress::parse(bssid->second);
  }
  if (seen.ip) return seen;
  if (from_trusted_proxy(request, options)) {
    // The proxy's own address says nothing about the user's network.
    if (const auto forwarded = request.header("X-Forwarded-For")) {
      const std::string_view first = forwarded->substr(0, forwarded->find(','));
      seen.ip = IpAddress::parse(trim(first));
    }
    return seen;
  }
  seen.ip = IpAddress::parse(request.client_address);
  return seen;
}

}  // namespace e911::locations
