#pragma once
// The auditors' read-only HTTP API (`e911 audit serve`; docs/auditor.md,
// "HTTP API"): the same questions as `e911 audit query|show|report|verify`
// (call_query.h, call_rendering.h, verify_chain), over HTTP(S), for
// dashboards and compliance tooling that cannot run the command.
//
//   GET /v1/calls            calls, filtered and paginated (JSON, or CSV with format=csv)
//   GET /v1/calls/{call_id}  one call: its row, its alerts, its journal entries
//   GET /v1/report           the compliance report (JSON or CSV)
//   GET /v1/registrations    each user's last registration, or one user's
//                            history (JSON or CSV; registration_query.h)
//   GET /v1/verify           verify_chain over the whole journal (cached for
//                            AuditApiOptions::verify_cache)
//   GET /healthz             liveness and the store's reachability; no token
//   /console/...             the audit console (console_service.h), when
//                            AuditApiOptions::console is set: its own
//                            sign-in, methods and headers
//
// Everything but /healthz needs `Authorization: Bearer <token>`, checked
// against the tokens file (api_tokens.h); otherwise 401 with
// WWW-Authenticate: Bearer. Parameters are validated (api_params.h) before
// the store is asked: 400 {"error","parameter"}. GET only: other methods,
// HEAD included, are 405 (Allow: GET); a request with a body is 413.
// Responses are JSON (or CSV), never cached (no-store), nosniff, with a CSP
// that allows nothing.
//
// Metrics (registered in the MetricsRegistry given):
//   e911_audit_api_requests_total{endpoint,status}
//   e911_audit_api_unauthorized_total
//   e911_audit_api_request_duration_seconds{endpoint}
//
// On the project's HTTP host (common/net/http_server.h), like the
// notifier's acknowledgement server: constructing it binds and starts
// serving; destroying it stops and joins. /healthz answers even while slow
// clients hold every connection. The store, the tokens file, the people
// file and the registry must outlive it.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/net/hosted_endpoint.h"
#include "common/observability/metrics_registry.h"
#include "common/net/api_tokens.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/console/console_service.h"
#include "consumers/auditor/console/people_file.h"
#include "consumers/auditor/journal/entry_signer.h"

namespace e911::auditor::api {

struct AuditApiOptions {
  net::EndpointOptions listen{};  // bind, port, max_threads, the TLS files
  // How long a /v1/verify result is served again before the journal is
  // verified anew (0: every request verifies). Verifying reads the whole
  // journal: a million entries take 20 s to 1.5 min.
  std::chrono::seconds verify_cache{60};
  // The audit console under /console/ (console_service.h), when set: who
  // may use it (the people file, which must outlive the server, like the
  // tokens file) and its sessions. Its `tls` (Secure cookies) is set when
  // the listener speaks TLS, and may be set beforehand for TLS ended in front.
  struct Console {
    console::PeopleFile* people_file = nullptr;
    console::ConsoleOptions options;
  };
  std::optional<Console> console{};
};

class AuditApiServer final : public net::HostedEndpoint {
 public:
  // Binds and starts. Throws std::invalid_argument for inconsistent options
  // (max_threads 0, only one of the TLS files, a console without its people
  // file), std::runtime_error if it cannot listen or the TLS files cannot be
  // loaded.
  AuditApiServer(AuditStore& store, net::ApiTokenFile& tokens, Keyring keyring, observability::MetricsRegistry metrics,
                 AuditApiOptions options = {});
  // Stops the server before the service it calls goes.
  ~AuditApiServer();

  class Service;  // what answers requests (audit_api.cpp)

 private:
  std::unique_ptr<Service> service_;
  std::unique_ptr<console::ConsoleService> console_;
};

}  // namespace e911::auditor::api
