#pragma once
// The location service's HTTP endpoint (docs/locations.md): the
// registration API for the signed-in user, the admin listing, the page
// employees use, and HELD for SIP proxies, on the project's one HTTP
// server host.
//
//   GET  /v1/me                  the user's registration, status, what responders would be told
//   GET  /v1/me/status           the status alone (softphones, before going available)
//   POST /v1/me/registration     a new registration: checked, produced, answered once Kafka has it
//   GET  /v1/admin/users         users by status and site (JSON, or CSV with format=csv)
//   GET  /, /page.js, /page.css  the page
//   POST <held path>             HELD locationRequest (when a HELD responder is given)
//
// Home addresses are personal data: the endpoint never logs one, and
// counts every answer that discloses one (e911_locations_personal_data_reads_total).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/events.h"
#include "common/net/api_tokens.h"
#include "common/net/hosted_endpoint.h"
#include "common/result.h"
#include "producers/locations/identity.h"
#include "producers/locations/registration_book.h"
#include "producers/locations/sighting_record.h"
#include "registry/registry.h"

namespace e911::locations {

struct LocationsApiOptions {
  net::EndpointOptions listen{};
  IdentityOptions identity{};
  std::string admin_tokens_file{};  // NAME SHA256HEX lines; empty: no admin endpoints
  // What the page and GET /v1/me tell users to do when the softphone cannot
  // call (power or internet outage), as the FCC requires VoIP users be told.
  std::string backup_method{};
  // A registration older than this is stale; 0: the registry's
  // defaults.stale_after (what the locator flags).
  EpochMillis stale_after = 0;
  std::string held_path = "/held";
};

// The outcome of checking an address before it is accepted.
struct AddressCheck {
  // Refused: the field at fault ("address.postal_code") and why.
  std::optional<std::string> field{};
  std::optional<std::string> problem{};
  // Accepted: whether an address validation provider confirmed it.
  bool validated = false;
};

// What the endpoint needs from the service it runs in; every function is
// called from request threads.
struct LocationsBackend {
  RegistrationBook* book = nullptr;
  std::function<std::shared_ptr<const registry::Registry>()> registry;
  std::function<AddressCheck(const CivicAddress&)> check_address;
  // Produces the update and waits for Kafka's acknowledgement: nullopt
  // when acknowledged, else why not (the request is answered 503).
  std::function<std::optional<Error>(const LocationUpdate&)> publish;
  // The HELD responder; empty: no HELD on this endpoint.
  std::function<net::HttpResponse(const net::HttpRequest&)> held{};
  // Records where a user's client was seen, for the other replicas
  // (sighting_record.h); called when the network changed or the last
  // record is old, not on every request. Empty: not shared.
  std::function<void(const SightingRecord&)> record_sighting{};
  // Counting: each answer by endpoint label and status; each disclosure
  // of a registered address by who read it ("user" or "admin").
  std::function<void(std::string_view endpoint, int status)> on_answer{};
  std::function<void(std::string_view reader)> on_personal_data_read{};
  std::function<EpochMillis()> now{};
};

class LocationsApi final : public net::HostedEndpoint {
 public:
  // Starts listening. Throws std::runtime_error (admin tokens file, cannot
  // listen, TLS files) or std::invalid_argument.
  LocationsApi(LocationsApiOptions options, LocationsBackend backend);
  ~LocationsApi();

  class Handler;  // locations_api.cpp

 private:
  LocationsApiOptions options_;
  std::unique_ptr<net::ApiTokenFile> admin_tokens_;
  std::unique_ptr<Handler> handler_;
};

// The page's Content-Security-Policy: nothing from anywhere but the
// service itself, no inline script or style, no framing.
inline constexpr std::string_view kPageContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

}  // namespace e911::locations
