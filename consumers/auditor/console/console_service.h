#pragma once
// The audit console (docs/auditor.md, "Console"): the pages compliance
// auditors and site leads read the journal with in a browser, served by
// `e911 audit serve` under /console/ beside the API (audit_api.h hands it
// every request whose path is /console or under /console/). Read-only:
// the only POSTs are sign-in and sign-out.
//
//   GET  /console/                 -> /console/calls
//   GET  /console/sign-in          the form (an API token), unless signed in
//   POST /console/sign-in          token=...&csrf=...: a session cookie
//   POST /console/sign-out         csrf=...: the cookie removed
//   GET  /console/calls            the calls, filtered (the parameters of /v1/calls) and paged
//   GET  /console/calls.csv        every call of that filter, the CSV of /v1/calls?format=csv
//   GET  /console/calls/{call_id}  one call: location, alerts, entries and their checks
//   GET  /console/overview         the compliance figures of a period (from, to, site)
//   GET  /console/integrity        the journal's verification, head and keys; exports
//   GET  /console/assets/{name}    the stylesheet and script (no sign-in needed)
//
// Who: the SSO proxy's identity header (auditor.console.identity_header),
// believed only from auditor.console.trusted_proxies (from anyone else it
// is refused, 403, whatever else the request carries); or a session cookie
// (session_cookie.h) got by signing in with an API token whose name the
// people file lists (console_people.h). Every request is checked against
// the people file as it is at that request (console_access.h): the file
// is looked at on every request and re-read when it changed, and on
// SIGHUP (people_file.h), so a person removed, or whose role or sites
// changed, loses their session at their next request. While the file is
// not usable (unreadable, invalid) every request but the assets' is
// refused (503). Without a valid session a page redirects (303) to the
// sign-in form; a POST without the form's CSRF token (csrf_token.h) is
// refused (403).
//
// Site leads see their sites only: every query is restricted before the
// store is asked, and another site's call answers 404 exactly as a missing
// one. Parameters follow the API's rules (api_params.h); a bad one is a
// 400 page naming it. Empty form fields are left out first (a filter form
// sends `site=` for "any").
//
// Metrics (the MetricsRegistry given): e911_audit_console_views_total{page},
// e911_audit_console_exports_total{kind}, e911_audit_console_refusals_total{reason}.
// One JSON log line per request: page, status, identity and role; never a
// parameter value (a caller filter is a person's name) or a cookie.
//
// Threads: handle() is called concurrently; the service holds no mutable
// state of its own beyond the metrics (the people file is PeopleFile's,
// each request working on one snapshot of it).

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_address.h"
#include "common/net/api_tokens.h"
#include "common/net/http_message.h"
#include "common/observability/metrics_registry.h"
#include "common/timestamp.h"
#include "consumers/auditor/console/people_file.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/export/i3_log_events.h"
#include "consumers/auditor/journal/entry_signer.h"
#include "consumers/auditor/report/journal_verification.h"
#include "consumers/auditor/store/audit_store.h"

namespace e911::auditor::console {

inline constexpr std::string_view kSessionCookie = "e911_console";
inline constexpr std::string_view kSignInCookie = "e911_console_sign_in";  // the sign-in form's CSRF binding

struct ConsoleOptions {
  std::string cookie_key;  // at least kMinCookieKeyBytes (session_cookie.h)
  std::chrono::seconds session_lifetime{std::chrono::minutes(30)};
  std::string identity_header;  // empty: no SSO proxy
  std::vector<IpPrefix> trusted_proxies;
  bool tls = false;  // cookies are Secure (the audit API sets it with its own TLS)
  // Set (auditor.console.i3_export): auditors download the period's NENA i3
  // LogEvents, signed with it; empty: not offered.
  ClaimsSigner i3_signer{};
  std::string organisation{};  // named on the overview's PDF (auditor.report.organisation)
  I3Options i3{};
  std::function<EpochMillis()> clock = now_millis;
};

// How fresh a page needs the journal's verification: as the API's
// /v1/verify serves it (verified anew once the cache is older than
// --verify-cache: the integrity page), or the last one known, however old
// (a call page: it does not wait for a whole-journal verification).
enum class Freshness { as_cached, last_known };

// The journal's verification (report/journal_verification.h): as the API's
// /v1/verify has it, cached.

// Whether `path` (not decoded) is the console's: /console or under /console/.
bool is_console_path(std::string_view path);

class ConsoleService {
 public:
  // Throws std::invalid_argument for a cookie key shorter than
  // kMinCookieKeyBytes. The store, the tokens file and the people file
  // must outlive it.
  ConsoleService(AuditStore& store, net::ApiTokenFile& tokens, PeopleFile& people_file, Keyring keyring,
                 std::function<JournalVerification(Freshness)> verification, observability::MetricsRegistry metrics,
                 ConsoleOptions options);
  ~ConsoleService();

  net::HttpResponse handle(const net::HttpRequest& request);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The console's Content-Security-Policy: its own stylesheet and script,
// forms to itself, no framing, nothing else.
inline constexpr std::string_view kConsoleCsp =
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

}  // namespace e911::auditor::console
