#pragma once
// The auditor's configuration keys (auditor.*, docs/operations.md) and
// what they build. Shared by `e911 auditor` (the consumer) and `e911 audit
// ...` (the auditors' commands and HTTP API), so both read the same store
// with the same keys. Secrets (the HS256 secret, private keys and their
// passphrase, the store password) come from files or the environment,
// never from the command line.
//
// Keys (defaults in brackets):
//   auditor.store                  [sqlite:<state_dir>/audit.db] store URL (audit_store.h)
//   auditor.group_id               [e911-auditor]
//   auditor.batch_max              [500] records per database transaction
//   auditor.store_retry.initial_delay_ms [200], auditor.store_retry.max_delay_ms [10000]
//                                  the consumer's backoff while the store fails
//   auditor.idle_transaction_timeout_s [30] PostgreSQL: the server ends a
//                                  writer's transaction idle that long (a
//                                  frozen auditor holds the journal no
//                                  longer); 0: never
//   auditor.signing.algorithm      [HS256] HS256 / ES256 / RS256
//   auditor.signing.key_id         [k-1]
//   auditor.signing.secret.file    HS256 secret file (or E911_AUDITOR_SIGNING_SECRET)
//   auditor.signing.private_key.file  ES256/RS256 PEM private key
//   auditor.signing.passphrase.file   its passphrase, if encrypted
//   auditor.keyring                a keyring file: one "KEY_ID ALGORITHM PATH"
//                                  per line (HS256: a secret file; ES256/RS256:
//                                  a PEM public key); paths relative to the file.
//                                  Verification keys in addition to the signer's.
//   auditor.verify.interval_s     [3600] how often the consumer verifies the
//                                  journal (chain_watch.h); 0: never
//   auditor.retention.emergency_days  [2557] (7 years)
//   auditor.retention.test_days       [90]
//   auditor.api.listen             [127.0.0.1:8095]
//   auditor.api.tokens.file        bearer token hashes, one "NAME SHA256HEX" per line
//   auditor.api.tls.cert.file / auditor.api.tls.key.file   TLS when both are set
//   auditor.api.threads            [8]
//   auditor.console.people.file    the audit console's people and roles
//                                  (console_people.h; re-read when it changes
//                                  and on SIGHUP); the console is served
//                                  under /console/ when it is set
//   auditor.console.identity_header  the SSO proxy's identity header (e.g.
//                                  X-Forwarded-User); empty: no SSO
//   auditor.console.trusted_proxies  the proxy's addresses or prefixes,
//                                  comma-separated: the only clients the
//                                  header is believed from
//   auditor.console.session_minutes [30] how long a session cookie lasts
//   auditor.console.cookie_key.file the key of session cookies and CSRF
//                                  tokens (at least 32 bytes; or
//                                  E911_AUDITOR_CONSOLE_COOKIE_KEY); not set:
//                                  a key generated at start (sessions end
//                                  with the process)
//   auditor.console.i3_export [false] the integrity page offers auditors the
//                                  period's NENA i3 LogEvents, signed with
//                                  the signing key, which the server then
//                                  holds (docs/decisions/0012-audit-console.md)
//   auditor.report.organisation    the organisation a PDF report names
//                                  (--org overrides it)
//   auditor.i3.element_id, auditor.i3.agency_id  the LogEvents' elementId
//                                  and agencyId (e911 audit export --format
//                                  i3 and the console)
//   auditor.console.secure_cookies [false] cookies marked Secure even though
//                                  this server speaks plain HTTP: TLS ends
//                                  at a proxy or Ingress in front (with its
//                                  own TLS they are Secure anyway)

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/ip_address.h"
#include "common/result.h"
#include "consumers/auditor/journal/entry_signer.h"

namespace e911::auditor {

const std::vector<ConfigKey>& auditor_config_keys();

struct RetentionDays {
  std::int64_t emergency = 2557;
  std::int64_t test = 90;
};

struct AuditApiSettings {
  std::string listen = "127.0.0.1:8095";  // host:port
  std::string tokens_file;                // required to serve
  std::string tls_cert_file, tls_key_file;
  int threads = 8;
};

struct ConsoleSettings {
  std::string people_file;  // empty: no console
  std::string identity_header;
  std::vector<IpPrefix> trusted_proxies;
  int session_minutes = 30;
  std::string cookie_key;  // empty: generated at start
  bool secure_cookies = false;
  bool i3_export = false;  // auditors download the period's i3 LogEvents (needs the signing key)
};

// How the consumer retries a batch the store refused (the database down):
// after initial_delay, doubling up to max_delay, until it is written.
struct StoreRetry {
  std::chrono::milliseconds initial_delay{200};
  std::chrono::milliseconds max_delay{10000};
};

struct AuditorSettings {
  std::string store_url;
  std::string group_id = "e911-auditor";
  std::size_t batch_max = 500;
  StoreRetry store_retry;
  int idle_transaction_timeout_s = 30;  // AuditStoreOptions::idle_transaction_timeout_s of the consumer's store
  std::optional<Signer> signer;  // set when a signing key is configured
  Keyring keyring;               // the signer's verification key + auditor.keyring
  // auditor.verify.interval_s: the consumer verifies the journal this often
  // (chain_watch.h); 0: never.
  std::chrono::seconds verify_interval{3600};
  RetentionDays retention;
  AuditApiSettings api;
  ConsoleSettings console;
};

// What `need_signer` says: the consumer and the purge command write
// entries and need a signing key (error naming the key when absent);
// readers (query, report, verify, the API) do not. Errors name the key
// ("auditor.signing.secret.file: ...").
Result<AuditorSettings> auditor_settings(const Config& config, bool need_signer);

// Reads a keyring file (format above) into `keyring`. Errors name the file
// and line.
std::optional<Error> load_keyring_file(const std::string& path, Keyring& keyring);

}  // namespace e911::auditor
