#include "producers/ingest/ingest_config.h"

#include "common/net/endpoint_config.h"
#include "common/text.h"
#include "producers/ingest/identity_pattern.h"
#include "registry/registry_loader.h"

namespace e911::ingest {
namespace {

// Teams via Graph: the clientState and the certificate's private key (and
// the previous one while a subscription moves to a new certificate).
std::optional<Error> teams_setup(const Config& config, WebhookOptions& http) {
  const auto client_state = config.get_or("ingest.teams.client_state", "");
  const auto key_file = config.get_or("ingest.teams.private_key_file", "");
  const auto previous = config.get_or("ingest.teams.previous_private_key_file", "");
  if (client_state.empty() && key_file.empty() && previous.empty()) return std::nullopt;  // Teams off
  if (client_state.empty())
    return Error{"ingest.teams.client_state: required with ingest.teams.private_key_file (the secret the Graph "
                 "subscription was created with)"};
  if (client_state.size() > 255) return Error{"ingest.teams.client_state: longer than Graph's 255 characters"};
  if (key_file.empty())
    return Error{"ingest.teams.private_key_file: required with ingest.teams.client_state (the key of the "
                 "certificate given to the Graph subscription)"};
  std::vector<std::pair<std::string, std::string>> keys = {{config.get_or("ingest.teams.certificate_id", ""), key_file}};
  if (!previous.empty()) keys.emplace_back(config.get_or("ingest.teams.previous_certificate_id", ""), previous);
  auto decryptor = GraphDecryptor::from_files(keys);
  if (!decryptor) return Error{"ingest.teams: " + decryptor.error().message};
  http.graph_client_state = client_state;
  http.graph_decryptor = std::make_shared<const GraphDecryptor>(std::move(*decryptor));
  return std::nullopt;
}

}  // namespace

const std::vector<ConfigKey>& ingest_config_keys() {
  static const std::vector<ConfigKey> keys = {
      ConfigKey::text("ingest.sip.udp", "127.0.0.1:9060"),
      ConfigKey::text("ingest.sip.tcp", ""),
      ConfigKey::integer("ingest.sip.max_message_bytes", 65535, 1024, 65535),
      ConfigKey::text("ingest.hep.auth_key"),
      ConfigKey::text("ingest.non_emergency", "drop"),
      ConfigKey::text("ingest.user_id.from", "from"),
      ConfigKey::text("ingest.user_id.pattern"),
      ConfigKey::boolean("ingest.user_id.directory", false),
      ConfigKey::text("ingest.registry"),
      ConfigKey::boolean("ingest.http.enabled", false),
      ConfigKey::text("ingest.http.bind", "127.0.0.1"),
      ConfigKey::integer("ingest.http.port", 8096, 0, 65535),
      ConfigKey::integer("ingest.http.max_threads", 8, 1, 256),
      ConfigKey::integer("ingest.http.max_body_bytes", 1 << 20, 1024, 16 << 20),
      ConfigKey::integer("ingest.http.ack_timeout_ms", 10000, 100, 120000),
      ConfigKey::integer("ingest.http.rate_limit.per_second", 100, 0, 1'000'000),
      ConfigKey::integer("ingest.http.rate_limit.burst", 200, 1, 1'000'000),
      ConfigKey::text("ingest.http.tokens_file"),
      ConfigKey::text("ingest.http.tls_certificate", ""),
      ConfigKey::text("ingest.http.tls_private_key", ""),
      ConfigKey::text("ingest.zoom.secret_token", ""),
      ConfigKey::text("ingest.teams.client_state", ""),
      ConfigKey::text("ingest.teams.private_key_file", ""),
      ConfigKey::text("ingest.teams.certificate_id", ""),
      ConfigKey::text("ingest.teams.previous_private_key_file", ""),
      ConfigKey::text("ingest.teams.previous_certificate_id", ""),
  };
  return keys;
}

Result<IngestServiceOptions> ingest_setup(const Config& config) {
  IngestServiceOptions options;
  options.kafka = config.kafka_properties();
  if (const auto error = kafka_settings_error(config)) return Error{*error};
  options.topics = config.topics();
  options.dead_letter_max_payload = static_cast<std::size_t>(config.get_int("dead_letter.max_payload_bytes"));
  options.sip.udp = config.get_or("ingest.sip.udp", "");
  options.sip.tcp = config.get_or("ingest.sip.tcp", "");
  if (config.get_bool("ingest.http.enabled")) {
    WebhookOptions http;
    auto listen = net::endpoint_options_from(config, "ingest.http");
    if (!listen) return listen.error();
    http.listen = std::move(*listen);
    http.max_body_bytes = static_cast<std::size_t>(config.get_int("ingest.http.max_body_bytes"));
    http.rate_limit.per_second = static_cast<double>(config.get_int("ingest.http.rate_limit.per_second"));
    http.rate_limit.burst = static_cast<double>(config.get_int("ingest.http.rate_limit.burst"));
    http.tokens_file = config.get_or("ingest.http.tokens_file", "");
    http.zoom_secret_token = config.get_or("ingest.zoom.secret_token", "");
    if (auto error = teams_setup(config, http)) return *error;
    if (http.tokens_file.empty() && http.zoom_secret_token.empty() && !http.graph_decryptor)
      return Error{"ingest.http.tokens_file: required when ingest.http.enabled is true (bearer tokens, "
                   "docs/ingest.md), unless it serves only Zoom (ingest.zoom.secret_token) or Teams "
                   "(ingest.teams.*)"};
    options.http = std::move(http);
    options.http_ack_timeout = std::chrono::milliseconds(config.get_int("ingest.http.ack_timeout_ms"));
  }
  if (options.sip.udp.empty() && options.sip.tcp.empty() && !options.http)
    return Error{"ingest.sip.udp and ingest.sip.tcp are both empty and ingest.http is off: the ingest would listen "
                 "nowhere"};
  options.sip.max_record_bytes = static_cast<std::size_t>(config.get_int("ingest.sip.max_message_bytes"));
  auto& ingest = options.ingest;
  ingest.limits.max_bytes = options.sip.max_record_bytes;
  ingest.hep_auth_key = config.get_or("ingest.hep.auth_key", "");
  const auto policy = config.get_or("ingest.non_emergency", "drop");
  if (policy == "forward") ingest.forward_non_emergency = true;
  else if (policy != "drop")
    return Error{"ingest.non_emergency: expected drop or forward, got " + quote_for_message(policy)};
  const auto from = config.get_or("ingest.user_id.from", "from");
  if (from == "p-asserted-identity") ingest.decode.identity.header = IdentityMapping::Header::p_asserted_identity;
  else if (from != "from")
    return Error{"ingest.user_id.from: expected from or p-asserted-identity, got " + quote_for_message(from)};
  if (const auto pattern = config.get("ingest.user_id.pattern"); pattern && !pattern->empty()) {
    if (auto err = set_user_id_pattern(ingest.decode.identity, *pattern))
      return Error{"ingest.user_id.pattern: " + err->message};
  }
  if (const auto registry = config.get("ingest.registry"); registry && !registry->empty()) {
    auto load = registry::load_registry_file(*registry);
    if (!load.ok()) {
      std::string why = load.errors.empty() ? "" : ": " + registry::format_diagnostic(*registry, load.errors.front());
      return Error{"ingest.registry: " + *registry + " does not load" + why};
    }
    // The registry's dial prefixes and numbers decide which calls may be emergency calls.
    const auto keep = load.registry;
    ingest.dial_plan = registry::shared_dial_plan(keep);
    if (config.get_bool("ingest.user_id.directory")) {
      if (!keep->has_directory())
        return Error{"ingest.user_id.directory: the registry " + *registry + " has no directory: entries"};
      ingest.decode.identity.directory = registry::shared_directory(keep);
    }
  } else if (config.get_bool("ingest.user_id.directory")) {
    return Error{"ingest.user_id.directory: needs ingest.registry, the registry whose directory: section maps SIP "
                 "identities to user ids"};
  }
  return options;
}

}  // namespace e911::ingest
