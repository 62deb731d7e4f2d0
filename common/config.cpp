#include "common/config.h"

#include <librdkafka/rdkafka.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>

#include "common/secret_file.h"
#include "common/text.h"

extern char** environ;

namespace e911 {
namespace {

constexpr std::string_view kKafkaPrefix = "kafka.";
constexpr std::string_view kFileSuffix = ".file";
constexpr std::string_view kEnvPrefix = "E911_";
constexpr std::string_view kKafkaEnvPrefix = "E911_KAFKA_";

// One key=value from one source, before validation.
struct RawEntry {
  std::string key;
  std::string value;
  std::string origin;
};

std::string env_name_of(std::string_view key) {
  std::string name(kEnvPrefix);
  for (char c : to_upper_ascii(key)) name += c == '.' ? '_' : c;
  return name;
}

std::string section_of(std::string_view key) { return std::string(key.substr(0, key.find('.'))); }

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || text.empty()) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(std::string_view text) {
  const std::string t = to_lower_ascii(text);
  if (t == "true" || t == "yes" || t == "on" || t == "1") return true;
  if (t == "false" || t == "no" || t == "off" || t == "0") return false;
  return std::nullopt;
}

std::string redact_value(std::string text, const std::string& value) {
  if (value.empty()) return text;
  for (auto pos = text.find(value); pos != std::string::npos; pos = text.find(value, pos)) {
    text.replace(pos, value.size(), "[redacted]");
    pos += 10;
  }
  return text;
}

// Checks a librdkafka property and value against librdkafka itself, so the
// list of properties is always the one of the library we run with.
std::optional<std::string> check_kafka_property(const std::string& name, const std::string& value) {
  std::unique_ptr<rd_kafka_conf_t, decltype(&rd_kafka_conf_destroy)> conf(rd_kafka_conf_new(),
                                                                           &rd_kafka_conf_destroy);
  char errstr[512] = {0};
  switch (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof errstr)) {
    case RD_KAFKA_CONF_OK:
      return std::nullopt;
    case RD_KAFKA_CONF_UNKNOWN:
      return "unknown librdkafka property " + quote_for_message(name);
    default:
      // librdkafka's message may quote the value: keep secrets out of it.
      return is_secret_config_key(name) ? redact_value(errstr, value) : std::string(errstr);
  }
}

std::string join_errors(const std::vector<std::string>& errors) {
  std::string joined;
  for (const auto& e : errors) joined += (joined.empty() ? "" : "\n") + e;
  return joined;
}

void flatten_yaml(const YAML::Node& node, const std::string& prefix, const std::string& file,
                  std::vector<RawEntry>& out, std::vector<std::string>& errors) {
  const auto where = [&](const YAML::Node& n) { return file + ":" + std::to_string(n.Mark().line + 1); };
  for (const auto& item : node) {
    const YAML::Node& k = item.first;
    const YAML::Node& v = item.second;
    if (!k.IsScalar() || k.Scalar().empty()) {
      errors.push_back(where(k) + ": keys must be non-empty text");
      continue;
    }
    const std::string key = prefix.empty() ? k.Scalar() : prefix + "." + k.Scalar();
    if (v.IsMap()) {
      flatten_yaml(v, key, file, out, errors);
    } else if (v.IsScalar()) {
      out.push_back({key, v.Scalar(), where(v)});
    } else if (v.IsSequence()) {
      errors.push_back(where(v) + ": " + key + ": expected a value or a map, got a list");
    } else {
      errors.push_back(where(k) + ": " + key + ": has no value");
    }
  }
}

// Structural problems go to `errors`; the well-formed entries are still
// returned so that every problem of the file is reported at once.
Result<std::vector<RawEntry>> read_yaml_file(const std::string& file, std::vector<std::string>& errors) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    return Error{"cannot read config file " + quote_for_message(file, 200) + ": " + std::strerror(errno)};
  } catch (const YAML::ParserException& e) {
    return Error{file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                 ": not valid YAML: " + e.msg};
  }
  std::vector<RawEntry> out;
  if (root.IsNull()) return out;  // an empty file configures nothing
  if (!root.IsMap()) return Error{file + ": the top level must be a map of sections"};
  flatten_yaml(root, "", file, out, errors);
  return out;
}

}  // namespace

const std::vector<ConfigKey>& common_config_keys() {
  static const std::vector<ConfigKey> keys = {
      ConfigKey::text("topics.call_events", "e911.call-events"),
      ConfigKey::text("topics.location_updates", "e911.location-updates"),
      ConfigKey::text("topics.emergency_calls", "e911.emergency-calls"),
      ConfigKey::text("topics.notifications", "e911.notifications"),
      ConfigKey::text("topics.dead_letter", "e911.dead-letter"),
      ConfigKey::text("topics.elin_assignments", "e911.elin-assignments"),
      ConfigKey::text("topics.elin_lookups", "e911.elin-lookups"),
      ConfigKey::text("topics.location_reminders", "e911.location-reminders"),
      ConfigKey::text("topics.location_sightings", "e911.location-sightings"),
      ConfigKey::integer("metrics.port", 9464, 0, 65535),
      ConfigKey::text("metrics.bind", "127.0.0.1"),
      ConfigKey::text("state_dir"),
      // group.instance.id of this instance's consumers (static membership):
      // stable across its restarts, unique in its group. Default: the host
      // name (the pod's, in Kubernetes), with the component.
      ConfigKey::text("instance_id"),
      ConfigKey::integer("dead_letter.max_payload_bytes", 64 * 1024, 0, 64 * 1024 * 1024),
  };
  return keys;
}

std::string Config::instance_id(std::string_view component) const {
  if (const auto id = get("instance_id"); id && !id->empty()) return *id;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "e911-" + std::string(component);
  return "e911-" + std::string(component) + "-" + host;
}

std::map<std::string, std::string> ConfigLoadOptions::from_process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry = *e;
    if (!entry.starts_with(kEnvPrefix)) continue;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

bool is_secret_config_key(std::string_view key) {
  const std::string k = to_lower_ascii(key);
  static constexpr std::string_view kMarkers[] = {
      "password", "passwd",  "passphrase", "secret",      "token",   "credential",         "private",
      "apikey",   "api_key", "api.key",    "ssl.key.pem", "ssl_key", "oauthbearer.config", "oauthbearer.extensions",
      "auth_key", "client_state", "cookie_key"};
  for (const auto m : kMarkers) {
    if (k.find(m) != std::string::npos) return true;
  }
  return false;
}

// Turns the raw entries of one source into validated entries and applies
// them over what lower-precedence sources set.
class ConfigLoader {
 public:
  explicit ConfigLoader(Config& config) : config_(config) {
    known_sections_.insert("kafka");
    for (const auto& [name, key] : config_.keys_) known_sections_.insert(section_of(name));
  }

  void apply_layer(const std::vector<RawEntry>& raw, std::vector<std::string>& errors) {
    struct Resolved {
      RawEntry entry;
      bool from_file = false;
      bool validated = true;
    };
    std::map<std::string, Resolved> layer;
    for (const auto& r : raw) {
      std::string key = r.key;
      bool from_file = false;
      bool validated = true;
      if (key.starts_with(kKafkaPrefix)) {
        if (key.ends_with(kFileSuffix)) {
          key.resize(key.size() - kFileSuffix.size());
          from_file = true;
        }
        if (key.size() == kKafkaPrefix.size()) {
          errors.push_back(r.origin + ": " + r.key + ": no librdkafka property named");
          continue;
        }
      } else if (config_.keys_.count(key)) {
        // a declared key, taken as is
      } else if (key.ends_with(kFileSuffix) &&
                 config_.keys_.count(key.substr(0, key.size() - kFileSuffix.size()))) {
        key.resize(key.size() - kFileSuffix.size());
        from_file = true;
      } else if (known_sections_.count(section_of(key))) {
        errors.push_back(r.origin + ": " + r.key + ": unknown key" + suggestion(key));
        continue;
      } else {
        validated = false;  // another component's section
      }
      if (const auto it = layer.find(key); it != layer.end()) {
        errors.push_back(r.origin + ": " + r.key + ": already set at " + it->second.entry.origin +
                         (it->second.from_file != from_file ? " (give either the value or a .file, not both)" : ""));
        continue;
      }
      layer.emplace(key, Resolved{{key, r.value, r.origin}, from_file, validated});
    }

    for (auto& [key, res] : layer) {
      auto& e = res.entry;
      if (res.from_file) {
        auto secret = read_secret_file(e.value);
        if (!secret) {
          errors.push_back(e.origin + ": " + key + std::string(kFileSuffix) + ": " + secret.error().message);
          continue;
        }
        e.value = std::move(secret.value());
      }
      if (const auto problem = validate(key, e.value)) {
        errors.push_back(e.origin + ": " + key + ": " + *problem);
        continue;
      }
      config_.entries_[key] = Config::Entry{e.value, e.origin, res.from_file, res.validated};
    }
  }

  std::vector<RawEntry> environment_entries(const std::map<std::string, std::string>& env) const {
    std::vector<RawEntry> out;
    for (const auto& [name, value] : env) {
      if (!name.starts_with(kKafkaEnvPrefix) || name.size() == kKafkaEnvPrefix.size()) continue;
      std::string prop = to_lower_ascii(std::string_view(name).substr(kKafkaEnvPrefix.size()));
      for (char& c : prop) c = c == '_' ? '.' : c;
      out.push_back({std::string(kKafkaPrefix) + prop, value, "environment variable " + name});
    }
    for (const auto& [key, spec] : config_.keys_) {
      const std::string name = env_name_of(key);
      if (const auto it = env.find(name); it != env.end()) {
        out.push_back({key, it->second, "environment variable " + name});
      }
      if (const auto it = env.find(name + "_FILE"); it != env.end()) {
        out.push_back({key + std::string(kFileSuffix), it->second, "environment variable " + name + "_FILE"});
      }
    }
    return out;
  }

 private:
  std::optional<std::string> validate(const std::string& key, const std::string& value) const {
    if (key.starts_with(kKafkaPrefix)) return check_kafka_property(key.substr(kKafkaPrefix.size()), value);
    const auto it = config_.keys_.find(key);
    if (it == config_.keys_.end()) return std::nullopt;
    const ConfigKey& spec = it->second;
    switch (spec.type) {
      case ConfigType::kString:
        return std::nullopt;
      case ConfigType::kBool:
        if (!parse_bool(value)) return "expected true or false, got " + shown(key, value);
        return std::nullopt;
      case ConfigType::kInt: {
        const auto v = parse_int(value);
        if (!v) return "expected an integer, got " + shown(key, value);
        if (*v < spec.min || *v > spec.max) {
          return "must be between " + std::to_string(spec.min) + " and " + std::to_string(spec.max) + ", got " +
                 std::to_string(*v);
        }
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  static std::string shown(const std::string& key, const std::string& value) {
    return is_secret_config_key(key) ? "[redacted]" : quote_for_message(value);
  }

  // "did you mean" for a key of a known section, e.g. topics.call_event.
  std::string suggestion(const std::string& key) const {
    const std::string section = section_of(key);
    std::string known;
    for (const auto& [name, spec] : config_.keys_) {
      if (section_of(name) == section) known += (known.empty() ? "" : ", ") + name;
    }
    return known.empty() ? "" : " (known: " + known + ")";
  }

  Config& config_;
  std::set<std::string> known_sections_;
};

Config::Config() {
  for (const auto& k : common_config_keys()) keys_.emplace(k.name, k);
  for (const auto& [name, key] : keys_) {
    if (key.default_value) entries_[name] = Entry{*key.default_value, "default", false, true};
  }
}

Result<Config> Config::load(const ConfigLoadOptions& options) {
  Config config;
  for (const auto& k : options.extra_keys) {
    config.keys_[k.name] = k;
    if (k.default_value) config.entries_[k.name] = Entry{*k.default_value, "default", false, true};
  }
  ConfigLoader loader(config);
  std::vector<std::string> errors;
  if (!options.file.empty()) {
    auto raw = read_yaml_file(options.file, errors);
    if (!raw) return raw.error();
    loader.apply_layer(raw.value(), errors);
  }
  loader.apply_layer(loader.environment_entries(options.environment), errors);
  if (!errors.empty()) return Error{join_errors(errors)};
  return config;
}

std::optional<std::string> Config::get(std::string_view key) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.value;
}

std::string Config::get_or(std::string_view key, std::string_view fallback) const {
  const auto v = get(key);
  return v ? *v : std::string(fallback);
}

std::int64_t Config::get_int(std::string_view key) const {
  const auto v = get(key);
  if (!v) throw std::out_of_range("config key " + std::string(key) + " is not set");
  const auto n = parse_int(*v);
  if (!n) throw std::out_of_range("config key " + std::string(key) + " is not an integer");
  return *n;
}

bool Config::get_bool(std::string_view key) const {
  const auto v = get(key);
  if (!v) throw std::out_of_range("config key " + std::string(key) + " is not set");
  const auto b = parse_bool(*v);
  if (!b) throw std::out_of_range("config key " + std::string(key) + " is not a boolean");
  return *b;
}

std::string Config::origin(std::string_view key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? std::string() : it->second.origin;
}

std::map<std::string, std::string> Config::kafka_properties() const {
  std::map<std::string, std::string> props;
  for (const auto& [key, entry] : entries_) {
    if (key.starts_with(kKafkaPrefix)) props.emplace(key.substr(kKafkaPrefix.size()), entry.value);
  }
  return props;
}

Config::Topics Config::topics() const {
  return Topics{get_or("topics.call_events", "e911.call-events"),
                get_or("topics.location_updates", "e911.location-updates"),
                get_or("topics.emergency_calls", "e911.emergency-calls"),
                get_or("topics.notifications", "e911.notifications"),
                get_or("topics.dead_letter", "e911.dead-letter"),
                get_or("topics.elin_assignments", "e911.elin-assignments"),
                get_or("topics.elin_lookups", "e911.elin-lookups"),
                get_or("topics.location_reminders", "e911.location-reminders"),
                get_or("topics.location_sightings", "e911.location-sightings")};
}

std::optional<Error> Config::set(std::string_view key, std::string_view value, std::string_view origin) {
  ConfigLoader loader(*this);
  std::vector<std::string> errors;
  loader.apply_layer({RawEntry{std::string(key), std::string(value), std::string(origin)}}, errors);
  if (!errors.empty()) return Error{join_errors(errors)};
  return std::nullopt;
}

std::vector<std::string> Config::unvalidated_keys() const {
  std::vector<std::string> out;
  for (const auto& [key, entry] : entries_) {
    if (!entry.validated) out.push_back(key);
  }
  return out;
}

std::string Config::to_log_json() const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [key, entry] : entries_) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    if (entry.secret || is_secret_config_key(key)) {
      w.String("[redacted]");
    } else {
      w.String(entry.value.data(), static_cast<rapidjson::SizeType>(entry.value.size()));
    }
  }
  w.EndObject();
  return buf.GetString();
}

std::optional<std::string> kafka_settings_error(const Config& config) {
  if (config.kafka_properties().count("bootstrap.servers")) return std::nullopt;
  return "kafka.bootstrap.servers is not set (the kafka: section of --config, or E911_KAFKA_BOOTSTRAP_SERVERS)";
}

}  // namespace e911
