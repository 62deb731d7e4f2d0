#pragma once
// The location service's HELD responder (RFC 5985, RFC 6155 device
// identity; docs/locations.md "HELD"): SIP proxies and SBCs ask where a
// device is so they can put its location into an emergency INVITE. The
// answer is the PIDF-LO the locator would convey for a call from that
// device on the network alone (consumers/locator's Resolver: switch port,
// access point, station MAC, subnet), by value; no location by reference.
//
// Where a device is, is personal data: only clients in allowed_clients
// (the proxies' addresses) are answered, everyone else gets 403.
//
// answer() is what the service's HTTP endpoint calls for requests to
// path(): it never throws, and may be called from several request threads
// at once (the registry source and on_answer must allow that).

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_address.h"
#include "common/net/http_message.h"
#include "common/timestamp.h"
#include "registry/registry.h"

namespace e911::locations {

struct HeldResponderOptions {
  std::string path = "/held";                // locations.held.path
  std::vector<IpPrefix> allowed_clients{};  // locations.held.allowed_clients; empty: nobody
};

// How a request ended, for the service's counters.
enum class HeldOutcome {
  located,                 // a locationResponse with the device's location
  location_unknown,        // locationUnknown: no switch port, station or subnet of the registry
  not_locatable,           // notLocatable: the IP is in a VPN or NAT egress range
  cannot_provide_li_type,  // cannotProvideLiType: exact, and a type this LIS cannot give
  bad_request,             // requestError, xmlError, unsupportedMessage
  bad_identifier,          // badIdentifier
  lis_error,               // generalLisError: no registry loaded
  refused_client,          // 403: not an allowed client
  refused_method,          // 405: not POST
  refused_media_type,      // 415: not application/held+xml
};
inline constexpr std::size_t kHeldOutcomeCount = 10;

// "located", "location-unknown", "not-locatable", "cannot-provide-li-type",
// "bad-request", "bad-identifier", "lis-error", "refused-client",
// "refused-method", "refused-media-type".
std::string_view held_outcome_name(HeldOutcome outcome);

struct HeldAnswer {
  HeldOutcome outcome = HeldOutcome::lis_error;
  std::string document;  // application/held+xml: a locationResponse or an error
};

// The HELD answer to the request `body` against `registry` (nullptr: none
// loaded) at `now`. Pure. A request without a device is a requestError:
// the asker is a proxy, so the request's source address is not the
// device's.
HeldAnswer answer_location_request(std::string_view body, const registry::Registry* registry, EpochMillis now);

class HeldResponder {
 public:
  // The registry in force now (it is reloaded); may return nullptr.
  using RegistrySource = std::function<std::shared_ptr<const registry::Registry>()>;

  HeldResponder(HeldResponderOptions options, RegistrySource registry,
                std::function<void(HeldOutcome)> on_answer = {}, std::function<EpochMillis()> clock = now_millis);

  const std::string& path() const { return options_.path; }

  // 403 for a client outside allowed_clients, 405 (Allow: POST) for
  // another method, 415 for a body that is not application/held+xml
  // (UTF-8); otherwise 200 with the HELD answer, errors included (RFC 5985
  // carries HELD errors in a 200).
  net::HttpResponse answer(const net::HttpRequest& request) const;

 private:
  HeldResponderOptions options_;
  RegistrySource registry_;
  std::function<void(HeldOutcome)> on_answer_;
  std::function<EpochMillis()> clock_;
};

}  // namespace e911::locations
