#include "consumers/auditor/auditor_config.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/ip_address.h"
#include "common/text.h"
#include "consumers/auditor/journal/audit_entry.h"

namespace e911::auditor {

const std::vector<ConfigKey>& auditor_config_keys() {
  static const std::vector<ConfigKey> keys = {
      ConfigKey::text("auditor.store"),  // default: sqlite:<state_dir>/audit.db
      ConfigKey::text("auditor.group_id", "e911-auditor"),
      ConfigKey::integer("auditor.batch_max", 500, 1, 100'000),
      ConfigKey::integer("auditor.store_retry.initial_delay_ms", 200, 1, 600'000),
      ConfigKey::integer("auditor.store_retry.max_delay_ms", 10'000, 1, 600'000),
      ConfigKey::integer("auditor.idle_transaction_timeout_s", 30, 0, 86'400),
      ConfigKey::text("auditor.signing.algorithm", "HS256"),
      ConfigKey::text("auditor.signing.key_id", "k-1"),
      // Secrets: given as <key>.file (the file's content becomes the value)
      // or E911_AUDITOR_SIGNING_SECRET[_FILE] and the like.
      ConfigKey::text("auditor.signing.secret"),
      ConfigKey::text("auditor.signing.private_key"),
      ConfigKey::text("auditor.signing.passphrase"),
      ConfigKey::text("auditor.keyring"),
      ConfigKey::integer("auditor.verify.interval_s", 3600, 0, 604'800),
      ConfigKey::integer("auditor.retention.emergency_days", 2557, 1, 36'500),
      ConfigKey::integer("auditor.retention.test_days", 90, 1, 36'500),
      ConfigKey::text("auditor.api.listen", "127.0.0.1:8095"),
      // Paths, not secrets read into the configuration: the API server
      // reads these files itself.
      ConfigKey::text("auditor.api.tokens.file"),
      ConfigKey::text("auditor.api.tls.cert.file"),
      ConfigKey::text("auditor.api.tls.key.file"),
      ConfigKey::integer("auditor.api.threads", 8, 1, 256),
      // The audit console (console_service.h), served when a people file
      // is set. The cookie key is a secret: auditor.console.cookie_key.file
      // or E911_AUDITOR_CONSOLE_COOKIE_KEY[_FILE].
      ConfigKey::text("auditor.console.people.file"),
      ConfigKey::text("auditor.console.identity_header"),
      ConfigKey::text("auditor.console.trusted_proxies"),
      ConfigKey::integer("auditor.console.session_minutes", 30, 1, 1440),
      ConfigKey::text("auditor.console.cookie_key"),
      ConfigKey::boolean("auditor.console.secure_cookies", false),
      ConfigKey::boolean("auditor.console.i3_export", false),
      // The organisation a PDF report names (e911 audit report --pdf, the console).
      ConfigKey::text("auditor.report.organisation"),
      // NENA i3 LogEvents (e911 audit export --format i3, the console).
      ConfigKey::text("auditor.i3.element_id"),
      ConfigKey::text("auditor.i3.agency_id"),
  };
  return keys;
}

namespace {

std::string get(const Config& c, std::string_view key) { return c.get_or(key, ""); }

// "(e911.yaml:7)", "(environment variable E911_AUDITOR_SIGNING_SECRET)".
std::string from(const Config& c, std::string_view key) {
  const auto origin = c.origin(key);
  return origin.empty() ? "" : " (" + origin + ")";
}

Error key_error(const Config& c, std::string_view key, std::string_view shown_as, const std::string& message) {
  return Error{std::string(shown_as) + ": " + message + from(c, key)};
}

// Loads the signer the keys describe; nullopt when none is configured.
Result<std::optional<Signer>> configured_signer(const Config& config, bool need_signer) {
  const auto algorithm_text = get(config, "auditor.signing.algorithm");
  const auto algorithm = parse_signing_algorithm(algorithm_text);
  if (!algorithm) {
    return key_error(config, "auditor.signing.algorithm", "auditor.signing.algorithm",
                     "expected HS256, ES256 or RS256, got " + quote_for_message(algorithm_text));
  }
  const auto key_id = get(config, "auditor.signing.key_id");
  if (!is_valid_key_id(key_id)) {
    return key_error(config, "auditor.signing.key_id", "auditor.signing.key_id",
                     quote_for_message(key_id, 64) + " is not 1-64 characters of [A-Za-z0-9._:-]");
  }
  const auto secret = config.get("auditor.signing.secret");
  const auto private_key = config.get("auditor.signing.private_key");
  const auto passphrase = get(config, "auditor.signing.passphrase");

  if (*algorithm == SigningAlgorithm::hs256) {
    if (private_key) {
      return key_error(config, "auditor.signing.private_key", "auditor.signing.private_key.file",
                       "set, but auditor.signing.algorithm is HS256 (which signs with "
                       "auditor.signing.secret.file); set the algorithm to ES256 or RS256");
    }
    if (!secret) {
      if (!need_signer) return std::optional<Signer>();
      return Error{
          "auditor.signing.secret.file: not set (HS256 signs with a secret of at least 32 bytes: "
          "a file named by auditor.signing.secret.file or E911_AUDITOR_SIGNING_SECRET_FILE, or "
          "E911_AUDITOR_SIGNING_SECRET)"};
    }
    auto signer = Signer::hs256(key_id, *secret);
    if (!signer) return key_error(config, "auditor.signing.secret", "auditor.signing.secret.file", signer.error().message);
    return std::optional<Signer>(std::move(*signer));
  }

  if (secret) {
    return key_error(config, "auditor.signing.secret", "auditor.signing.secret.file",
                     "set, but auditor.signing.algorithm is " + algorithm_text +
                         " (which signs with auditor.signing.private_key.file)");
  }
  if (!private_key) {
    if (!need_signer) return std::optional<Signer>();
    return Error{"auditor.signing.private_key.file: not set (" + algorithm_text +
                 " signs with a PEM private key file; auditors verify with its public key)"};
  }
  // The configuration drops the file's trailing line break; PEM wants one.
  auto signer = Signer::from_private_key_pem(key_id, *algorithm, *private_key + "\n", passphrase);
  if (!signer) {
    return key_error(config, "auditor.signing.private_key", "auditor.signing.private_key.file",
                     signer.error().message);
  }
  return std::optional<Signer>(std::move(*signer));
}

// Does `keyring` verify what `signer` signs? Catches a keyring that holds
// another key under the signer's key id before any entry is written.
std::optional<Error> check_keyring_verifies(const Keyring& keyring, const Signer& signer) {
  AuditEntry probe;
  probe.seq = 1;
  probe.hash = std::string(kGenesisHash);
  probe.key_id = signer.key_id();
  probe.signature = signer.sign(probe.seq, probe.hash);
  if (auto verified = keyring.verify(probe); !verified) return verified.error();
  return std::nullopt;
}

}  // namespace

Result<AuditorSettings> auditor_settings(const Config& config, bool need_signer) {
  AuditorSettings s;
  s.store_url = get(config, "auditor.store");
  if (s.store_url.empty()) {
    const auto state_dir = get(config, "state_dir");
    if (state_dir.empty()) {
      return Error{"auditor.store: not set, and no state_dir to keep the default sqlite:<state_dir>/audit.db in"};
    }
    s.store_url = "sqlite:" + state_dir + "/audit.db";
  }
  s.group_id = get(config, "auditor.group_id");
  if (s.group_id.empty()) return key_error(config, "auditor.group_id", "auditor.group_id", "must not be empty");
  s.batch_max = static_cast<std::size_t>(config.get_int("auditor.batch_max"));
  s.store_retry.initial_delay = std::chrono::milliseconds(config.get_int("auditor.store_retry.initial_delay_ms"));
  s.store_retry.max_delay = std::chrono::milliseconds(config.get_int("auditor.store_retry.max_delay_ms"));
  s.idle_transaction_timeout_s = static_cast<int>(config.get_int("auditor.idle_transaction_timeout_s"));
  if (s.store_retry.max_delay < s.store_retry.initial_delay) {
    return key_error(config, "auditor.store_retry.max_delay_ms", "auditor.store_retry.max_delay_ms",
                     "must not be less than auditor.store_retry.initial_delay_ms");
  }

  auto signer = configured_signer(config, need_signer);
  if (!signer) return signer.error();
  s.signer = std::move(*signer);

  if (const auto keyring = get(config, "auditor.keyring"); !keyring.empty()) {
    if (auto e = load_keyring_file(keyring, s.keyring)) return Error{"auditor.keyring: " + e->message};
  }
  if (s.signer) {
    if (!s.keyring.contains(s.signer->key_id())) {
      if (auto e = s.keyring.add_verifier_of(*s.signer)) return Error{"auditor.signing.key_id: " + e->message};
    } else if (auto e = check_keyring_verifies(s.keyring, *s.signer)) {
      return Error{"auditor.keyring: key " + s.signer->key_id() +
                   " does not verify what the signing key signs (" + e->message + ")"};
    }
  }

  s.verify_interval = std::chrono::seconds(config.get_int("auditor.verify.interval_s"));
  s.retention.emergency = config.get_int("auditor.retention.emergency_days");
  s.retention.test = config.get_int("auditor.retention.test_days");

  s.api.listen = get(config, "auditor.api.listen");
  s.api.tokens_file = get(config, "auditor.api.tokens.file");
  s.api.tls_cert_file = get(config, "auditor.api.tls.cert.file");
  s.api.tls_key_file = get(config, "auditor.api.tls.key.file");
  if (s.api.tls_cert_file.empty() != s.api.tls_key_file.empty()) {
    return Error{"auditor.api.tls.cert.file and auditor.api.tls.key.file: give both (TLS) or neither"};
  }
  s.api.threads = static_cast<int>(config.get_int("auditor.api.threads"));

  auto& c = s.console;
  c.people_file = get(config, "auditor.console.people.file");
  c.identity_header = get(config, "auditor.console.identity_header");
  c.session_minutes = static_cast<int>(config.get_int("auditor.console.session_minutes"));
  c.cookie_key = get(config, "auditor.console.cookie_key");
  c.secure_cookies = config.get_bool("auditor.console.secure_cookies");
  c.i3_export = config.get_bool("auditor.console.i3_export");
  if (c.i3_export && !s.signer) {
    return Error{"auditor.console.i3_export: set, but no signing key is configured (auditor.signing.secret or "
                 ".private_key): NENA i3 LogEvents are signed with it"};
  }
  if (!c.cookie_key.empty() && c.cookie_key.size() < 32) {
    return Error{"auditor.console.cookie_key: " + std::to_string(c.cookie_key.size()) +
                 " bytes; at least 32 (e.g. `head -c 32 /dev/urandom > FILE`, named by auditor.console.cookie_key.file)"};
  }
  const std::string proxies = get(config, "auditor.console.trusted_proxies");
  std::size_t pos = 0;
  while (pos < proxies.size()) {
    auto comma = proxies.find(',', pos);
    if (comma == std::string::npos) comma = proxies.size();
    const auto item = trim(std::string_view(proxies).substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) continue;
    auto prefix = IpPrefix::parse(item);
    if (!prefix) {
      return Error{"auditor.console.trusted_proxies: " + quote_for_message(item) + ": " + prefix.error().message};
    }
    c.trusted_proxies.push_back(*prefix);
  }
  if (!c.identity_header.empty() && c.trusted_proxies.empty()) {
    return Error{"auditor.console.identity_header: set, but auditor.console.trusted_proxies lists no proxy: the header "
                 "would be believed from no one (list the SSO proxy's addresses)"};
  }
  if (c.identity_header.empty() && !c.trusted_proxies.empty()) {
    return Error{"auditor.console.trusted_proxies: set, but auditor.console.identity_header is not: name the header "
                 "the SSO proxy puts the identity in"};
  }
  return s;
}

std::optional<Error> load_keyring_file(const std::string& path, Keyring& keyring) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read keyring " + path + ": " + std::strerror(errno)};
  const auto base = std::filesystem::path(path).parent_path();
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto where = path + ":" + std::to_string(number) + ": ";
    std::string_view rest = trim(line);
    if (rest.empty() || rest.front() == '#') continue;
    const auto next_word = [&rest]() {
      const auto end = rest.find_first_of(" \t");
      const auto word = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : trim(rest.substr(end));
      return std::string(word);
    };
    const auto key_id = next_word();
    const auto algorithm_text = next_word();
    const std::string file(rest);  // the rest of the line: a path may hold spaces
    if (key_id.empty() || algorithm_text.empty() || file.empty()) {
      return Error{where + "expected \"KEY_ID ALGORITHM PATH\""};
    }
    const auto algorithm = parse_signing_algorithm(algorithm_text);
    if (!algorithm) {
      return Error{where + "unknown algorithm " + quote_for_message(algorithm_text) + " (HS256, ES256 or RS256)"};
    }
    std::filesystem::path key_path(file);
    if (key_path.is_relative()) key_path = base / key_path;
    const auto added = *algorithm == SigningAlgorithm::hs256
                           ? keyring.add_secret_file(key_id, key_path.string())
                           : keyring.add_public_key_file(key_id, *algorithm, key_path.string());
    if (added) return Error{where + added->message};
  }
  if (in.bad()) return Error{"cannot read keyring " + path + ": " + std::strerror(errno)};
  return std::nullopt;
}

}  // namespace e911::auditor
