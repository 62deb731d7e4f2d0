#pragma once
// Process configuration: flat dotted keys ("kafka.bootstrap.servers",
// "topics.call_events", "metrics.port", "state_dir") from, lowest
// precedence first, built-in defaults, an optional YAML file and the
// environment.
//
//   kafka:                          # every key goes to librdkafka verbatim,
//     bootstrap.servers: b1:9092    # so MSK, Confluent Cloud and Strimzi
//     security.protocol: SASL_SSL   # settings need no code here
//     sasl.password.file: /run/secrets/kafka   # secret read from a file
//   topics: {call_events: e911.call-events}
//   metrics: {port: 9464}
//   state_dir: /var/lib/e911
//
// Nested maps flatten with '.', so `sasl: {mechanism: PLAIN}` under kafka
// is kafka.sasl.mechanism.
//
// Environment: E911_KAFKA_<PROP> sets librdkafka property PROP (upper-case,
// '.' as '_': E911_KAFKA_BOOTSTRAP_SERVERS); any other known key K is
// E911_<K upper-case, '.' as '_'> (E911_METRICS_PORT, E911_STATE_DIR).
//
// Secrets: a kafka property, or a known key, given as "<key>.file" (in the
// file or as E911_..._FILE) is read from that file, one trailing newline
// stripped. Values read from files are always redacted in log output.
//
// Validation happens at load time, so a component never starts on a typo:
// unknown librdkafka properties and values librdkafka rejects, keys of a
// known section that are not known, wrong types and unreadable secret
// files are errors naming the key and where it came from ("e911.yaml:7" or
// "environment variable E911_KAFKA_ACKS"). Sections no loader declared
// (another component's) are kept unvalidated: see unvalidated_keys().

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace e911 {

enum class ConfigType { kString, kInt, kBool };

// A key a component understands. Components pass theirs to Config::load,
// made with the factories: ConfigKey::text("locator.registry").
struct ConfigKey {
  std::string name;                          // "locator.registry"
  ConfigType type = ConfigType::kString;
  std::optional<std::string> default_value;  // none: absent unless configured
  std::int64_t min = 0;                      // kInt only
  std::int64_t max = INT64_MAX;              // kInt only

  static ConfigKey text(std::string name, std::optional<std::string> default_value = std::nullopt) {
    return {std::move(name), ConfigType::kString, std::move(default_value), 0, INT64_MAX};
  }
  static ConfigKey integer(std::string name, std::optional<std::int64_t> default_value, std::int64_t min,
                           std::int64_t max) {
    return {std::move(name), ConfigType::kInt,
            default_value ? std::optional<std::string>(std::to_string(*default_value)) : std::nullopt, min, max};
  }
  static ConfigKey boolean(std::string name, std::optional<bool> default_value = std::nullopt) {
    return {std::move(name), ConfigType::kBool,
            default_value ? std::optional<std::string>(*default_value ? "true" : "false") : std::nullopt, 0,
            INT64_MAX};
  }
};

// The keys every component shares (topics.*, metrics.port, metrics.bind, state_dir,
// instance_id, dead_letter.max_payload_bytes).
const std::vector<ConfigKey>& common_config_keys();

struct ConfigLoadOptions {
  std::string file;                          // YAML file; empty: none
  // The environment; empty: nothing from it. from_process_environment()
  // reads the real one.
  std::map<std::string, std::string> environment;
  std::vector<ConfigKey> extra_keys;         // the component's own keys

  static std::map<std::string, std::string> from_process_environment();
};

// True for keys whose value must never be logged (passwords, secrets,
// private keys, tokens).
bool is_secret_config_key(std::string_view key);

class Config {
 public:
  struct Topics {
    std::string call_events;
    std::string location_updates;
    std::string emergency_calls;
    std::string notifications;
    std::string dead_letter;
    // Compacted, key the ELIN: who a callback to each ELIN should reach
    // (consumers/locator/elin_assignment_record.h).
    std::string elin_assignments;
    // Every answer to "whom does a callback to this ELIN reach" (the
    // locator's lookup endpoint, `e911 elin lookup`), journaled by the
    // auditor (consumers/locator/elin_lookup_record.h).
    std::string elin_lookups;
    // Compacted, key the user id: the last reminder each user was sent to
    // keep their registered location current
    // (producers/locations/reminder_record.h).
    std::string location_reminders;
    // Compacted, key the user id: where each user's client was last seen
    // (producers/locations/sighting_record.h), shared by the location
    // service's replicas.
    std::string location_sightings;
  };

  // Defaults only (no file, no environment).
  Config();

  static Result<Config> load(const ConfigLoadOptions& options);

  std::optional<std::string> get(std::string_view key) const;
  std::string get_or(std::string_view key, std::string_view fallback) const;
  // For keys declared kInt / kBool (validated at load, so these only fail,
  // with std::out_of_range, when the key is absent and has no default).
  std::int64_t get_int(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  // Where a value came from: "default", "e911.yaml:7", "environment
  // variable E911_METRICS_PORT", or what set() was given.
  std::string origin(std::string_view key) const;

  // librdkafka properties (the kafka.* keys without the prefix). Includes
  // secrets: hand it to librdkafka, never to a log.
  std::map<std::string, std::string> kafka_properties() const;
  Topics topics() const;
  // The consumers' group.instance.id for `component`: instance_id when set,
  // else "e911-<component>-<host name>".
  std::string instance_id(std::string_view component) const;

  // Sets or overrides a key from code (embedded mode pointing
  // kafka.bootstrap.servers at its broker, a command-line option),
  // validated like the other sources.
  std::optional<Error> set(std::string_view key, std::string_view value, std::string_view origin);

  // Keys of sections no loader declared, e.g. a typo in a section name.
  std::vector<std::string> unvalidated_keys() const;

  // One JSON object {"key":"value",...} for a log line; secrets (by name,
  // or read from a file) are "[redacted]".
  std::string to_log_json() const;

 private:
  struct Entry {
    std::string value;
    std::string origin;
    bool secret = false;   // read from a .file: never logged
    bool validated = true;
  };
  std::map<std::string, Entry, std::less<>> entries_;
  std::map<std::string, ConfigKey, std::less<>> keys_;

  friend class ConfigLoader;
};

// Why the configuration cannot reach Kafka (no bootstrap servers), if so.
std::optional<std::string> kafka_settings_error(const Config& config);

}  // namespace e911
