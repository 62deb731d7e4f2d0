#include "common/kafka/properties.h"

#include <librdkafka/rdkafka.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/config.h"
#include "common/kafka/error.h"
#include "common/text.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <sstream>

namespace e911::kafka {
namespace {

// librdkafka spellings of the same value: acks "all" is -1, booleans
// accept true/false/1/0.
std::string normalized(std::string_view value) {
  const std::string v = to_lower_ascii(trim(value));
  if (v == "all") return "-1";
  if (v == "1" || v == "t" || v == "yes" || v == "on") return "true";
  if (v == "0" || v == "f" || v == "no" || v == "off") return "false";
  return v;
}

// Property name -> "C", "P" or "*"/"C/P", from librdkafka's own table
// (rd_kafka_conf_properties_show), so it always matches the library.
const std::map<std::string, std::string>& property_scopes() {
  static const std::map<std::string, std::string> scopes = [] {
    std::map<std::string, std::string> out;
    char* buf = nullptr;
    std::size_t size = 0;
    FILE* f = open_memstream(&buf, &size);
    if (!f) return out;
    rd_kafka_conf_properties_show(f);
    std::fclose(f);
    std::istringstream table(std::string(buf, size));
    std::free(buf);
    std::string line;
    while (std::getline(table, line)) {
      const auto bar = line.find('|');
      if (bar == std::string::npos) continue;
      const auto bar2 = line.find('|', bar + 1);
      if (bar2 == std::string::npos) continue;
      out[std::string(trim(std::string_view(line).substr(0, bar)))] =
          std::string(trim(std::string_view(line).substr(bar + 1, bar2 - bar - 1)));
    }
    return out;
  }();
  return scopes;
}

}  // namespace

Properties for_client(const Properties& props, ClientKind kind) {
  const std::string other = kind == ClientKind::producer ? "C" : "P";
  Properties out;
  for (const auto& [name, value] : props) {
    const auto it = property_scopes().find(name);
    if (it != property_scopes().end() && it->second == other) continue;
    out.emplace(name, value);
  }
  return out;
}

Properties merged(Properties base, const Properties& overrides) {
  for (const auto& [k, v] : overrides) base[k] = v;
  return base;
}

void set_default(Properties& props, std::string_view name, std::string_view value) {
  props.try_emplace(std::string(name), value);
}

void set_required(Properties& props, std::string_view name, std::string_view value, std::string_view why) {
  const auto it = props.find(std::string(name));
  if (it != props.end() && normalized(it->second) != normalized(value)) {
    throw KafkaError("kafka." + std::string(name) + "=" + it->second + " is not allowed: " + std::string(why) +
                     " needs " + std::string(name) + "=" + std::string(value));
  }
  props[std::string(name)] = value;
}

std::unique_ptr<RdKafka::Conf> make_conf(const Properties& props) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string errstr;
  for (const auto& [name, value] : props) {
    if (conf->set(name, value, errstr) != RdKafka::Conf::CONF_OK) {
      if (is_secret_config_key(name) && !value.empty()) {
        for (auto pos = errstr.find(value); pos != std::string::npos; pos = errstr.find(value, pos + 10)) {
          errstr.replace(pos, value.size(), "[redacted]");
        }
      }
      throw KafkaError("kafka." + name + ": " + errstr);
    }
  }
  return conf;
}

std::string properties_for_log(const Properties& props) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [name, value] : props) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    if (is_secret_config_key(name)) {
      w.String("[redacted]");
    } else {
      w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    }
  }
  w.EndObject();
  return buf.GetString();
}

}  // namespace e911::kafka
