#pragma once
// librdkafka client properties: what Config::kafka_properties() returns,
// layered with what a client type needs, and turned into an RdKafka::Conf.

#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace e911::kafka {

using Properties = std::map<std::string, std::string>;

// `base` with `overrides` on top.
Properties merged(Properties base, const Properties& overrides);

// Sets `value` unless the user already set `name`.
void set_default(Properties& props, std::string_view name, std::string_view value);

// Sets `value`; throws KafkaError if the user set `name` to something
// else, because the client's guarantees depend on it (acks=all for the
// idempotent producer, manual offset store for at-least-once).
void set_required(Properties& props, std::string_view name, std::string_view value, std::string_view why);

enum class ClientKind { producer, consumer };

// Drops the properties librdkafka documents as for the other kind of
// client (the configuration is shared by both; librdkafka would warn
// about each one on every client it creates).
Properties for_client(const Properties& props, ClientKind kind);

// Builds a global Conf; throws KafkaError naming the property on a
// rejected one (values of secret properties are never shown).
std::unique_ptr<RdKafka::Conf> make_conf(const Properties& props);

// The properties as a JSON object for a log line, secrets redacted.
std::string properties_for_log(const Properties& props);

}  // namespace e911::kafka
