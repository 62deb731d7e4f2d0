#include "common/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/kafka/kafka_test_util.h"
#include "tests/support/text_contains.h"

namespace e911 {
namespace {

using kafka::test::TempDir;

Result<Config> load(const std::string& file, std::map<std::string, std::string> env = {},
                    std::vector<ConfigKey> extra = {}) {
  ConfigLoadOptions o;
  o.file = file;
  o.environment = std::move(env);
  o.extra_keys = std::move(extra);
  return Config::load(o);
}

TEST(Config, DefaultsWithoutFileOrEnvironment) {
  const auto c = load("");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto t = c->topics();
  EXPECT_EQ(t.call_events, "e911.call-events");
  EXPECT_EQ(t.location_updates, "e911.location-updates");
  EXPECT_EQ(t.emergency_calls, "e911.emergency-calls");
  EXPECT_EQ(t.notifications, "e911.notifications");
  EXPECT_EQ(t.dead_letter, "e911.dead-letter");
  EXPECT_EQ(c->get_int("metrics.port"), 9464);
  EXPECT_EQ(c->origin("metrics.port"), "default");
  EXPECT_FALSE(c->get("state_dir"));
  EXPECT_TRUE(c->kafka_properties().empty());
}

TEST(Config, FileSectionsFlattenAndEnvironmentWins) {
  TempDir dir;
  const auto file = dir.write("e911.yaml",
                              "kafka:\n"
                              "  bootstrap.servers: file-broker:9092\n"
                              "  security.protocol: SASL_SSL\n"
                              "  sasl:\n"
                              "    mechanism: PLAIN\n"
                              "  linger.ms: 2\n"
                              "topics:\n"
                              "  call_events: acme.call-events\n"
                              "metrics: {port: 9100}\n"
                              "state_dir: /var/lib/e911\n");
  const auto c = load(file, {{"E911_KAFKA_BOOTSTRAP_SERVERS", "env-broker:9093"},
                             {"E911_METRICS_PORT", "9200"},
                             {"E911_TOPICS_DEAD_LETTER", "acme.dlq"},
                             {"E911_EMITTED_DIR", "/tmp/not-config"},  // other E911_ variables are not ours
                             {"PATH", "/usr/bin"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto props = c->kafka_properties();
  EXPECT_EQ(props.at("bootstrap.servers"), "env-broker:9093");
  EXPECT_EQ(props.at("security.protocol"), "SASL_SSL");
  EXPECT_EQ(props.at("sasl.mechanism"), "PLAIN");
  EXPECT_EQ(props.at("linger.ms"), "2");
  EXPECT_EQ(c->origin("kafka.bootstrap.servers"), "environment variable E911_KAFKA_BOOTSTRAP_SERVERS");
  EXPECT_EQ(c->origin("kafka.security.protocol"), file + ":3");
  EXPECT_EQ(c->topics().call_events, "acme.call-events");
  EXPECT_EQ(c->topics().dead_letter, "acme.dlq");
  EXPECT_EQ(c->topics().notifications, "e911.notifications");
  EXPECT_EQ(c->get_int("metrics.port"), 9200);
  EXPECT_EQ(c->get("state_dir"), "/var/lib/e911");
}

TEST(Config, SecretsComeFromFilesAndAreRedacted) {
  TempDir dir;
  const auto secret = dir.write("kafka-password", "s3cr3t-pw\n");
  const auto key_password = dir.write("key-password", "key-secret");
  const auto file = dir.write("e911.yaml",
                              "kafka:\n"
                              "  bootstrap.servers: b1:9092\n"
                              "  sasl.username: svc-e911\n"
                              "  sasl.password.file: " + secret + "\n"
                              "  ssl.keystore.password: keystorepass\n");
  const auto c = load(file, {{"E911_KAFKA_SSL_KEY_PASSWORD_FILE", key_password}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto props = c->kafka_properties();
  EXPECT_EQ(props.at("sasl.password"), "s3cr3t-pw");  // trailing newline stripped
  EXPECT_EQ(props.at("ssl.key.password"), "key-secret");
  EXPECT_EQ(props.count("sasl.password.file"), 0u);

  const std::string log = c->to_log_json();
  test::expect_contains_none(log, {"s3cr3t", "key-secret", "keystorepass"});
  test::expect_contains_all(log, {"\"kafka.sasl.password\":\"[redacted]\"", "\"kafka.ssl.key.password\":\"[redacted]\"",
                                  "\"kafka.ssl.keystore.password\":\"[redacted]\"",
                                  "\"kafka.sasl.username\":\"svc-e911\"", "\"kafka.bootstrap.servers\":\"b1:9092\""});
}

TEST(Config, SecretKeyNames) {
  for (const char* k : {"sasl.password", "ssl.key.password", "ssl.keystore.password", "sasl.oauthbearer.client.secret",
                        "kafka.ssl.key.pem", "notifier.smtp.password", "notifier.webhook.token", "sms.api_key",
                        "auditor.console.cookie_key"}) {
    EXPECT_TRUE(is_secret_config_key(k)) << k;
  }
  for (const char* k : {"bootstrap.servers", "sasl.username", "ssl.key.location", "ssl.ca.location", "metrics.port"}) {
    EXPECT_FALSE(is_secret_config_key(k)) << k;
  }
}

TEST(Config, UnknownLibrdkafkaPropertyNamesFileAndLine) {
  TempDir dir;
  const auto file = dir.write("e911.yaml", "kafka:\n  bootstrap.servers: b1:9092\n  bootstrap.server: typo:9092\n");
  const auto c = load(file);
  ASSERT_FALSE(c.ok());
  test::expect_contains_all(c.error().message, {file + ":3", "kafka.bootstrap.server", "unknown librdkafka property"});
}

TEST(Config, InvalidLibrdkafkaValueFromEnvironmentNamesTheVariable) {
  const auto c = load("", {{"E911_KAFKA_ACKS", "most"}});
  ASSERT_FALSE(c.ok());
  test::expect_contains_all(c.error().message, {"environment variable E911_KAFKA_ACKS", "kafka.acks"});
}

TEST(Config, InvalidSecretValueIsNotEchoed) {
  const auto c = load("", {{"E911_KAFKA_SECURITY_PROTOCOL", "BOGUS"}, {"E911_KAFKA_SASL_PASSWORD", "hunter2"}});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("environment variable E911_KAFKA_SECURITY_PROTOCOL: kafka.security.protocol"),
            std::string::npos)
      << c.error().message;
  EXPECT_EQ(c.error().message.find("hunter2"), std::string::npos) << c.error().message;
}

TEST(Config, WrongTypesAndUnknownKeysOfKnownSections) {
  TempDir dir;
  const auto file = dir.write("e911.yaml",
                              "metrics:\n  port: http\n"
                              "topics:\n  call_event: x\n"
                              "kafka:\n  bootstrap.servers: [a, b]\n");
  const auto c = load(file);
  ASSERT_FALSE(c.ok());
  const auto& m = c.error().message;
  test::expect_contains_all(m, {file + ":2: metrics.port: expected an integer, got \"http\"",
                                file + ":4: topics.call_event: unknown key",
                                "topics.call_events",  // says what is known
                                file + ":6: kafka.bootstrap.servers: expected a value or a map, got a list"});

  const auto out_of_range = load("", {{"E911_METRICS_PORT", "70000"}});
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_NE(out_of_range.error().message.find("environment variable E911_METRICS_PORT: metrics.port: must be between"),
            std::string::npos)
      << out_of_range.error().message;
}

TEST(Config, UnreadableSecretFile) {
  TempDir dir;
  const auto missing = dir.path("no-such-secret");
  const auto file = dir.write("e911.yaml", "kafka:\n  sasl.password.file: " + missing + "\n");
  const auto c = load(file);
  ASSERT_FALSE(c.ok());
  const auto& m = c.error().message;
  test::expect_contains_all(m, {file + ":2: kafka.sasl.password.file: cannot read", "No such file"});

  const auto env = load("", {{"E911_KAFKA_SASL_PASSWORD_FILE", missing}});
  ASSERT_FALSE(env.ok());
  EXPECT_NE(env.error().message.find("environment variable E911_KAFKA_SASL_PASSWORD_FILE"), std::string::npos)
      << env.error().message;
}

TEST(Config, ValueAndFileForTheSameKeyInOneSource) {
  TempDir dir;
  const auto secret = dir.write("pw", "x");
  const auto file = dir.write("e911.yaml", "kafka:\n  sasl.password: inline\n  sasl.password.file: " + secret + "\n");
  const auto c = load(file);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("not both"), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().message.find("inline"), std::string::npos) << c.error().message;
}

TEST(Config, YamlSyntaxErrorAndMissingFile) {
  TempDir dir;
  const auto file = dir.write("e911.yaml", "kafka:\n  bootstrap.servers: [unclosed\n");
  const auto c = load(file);
  ASSERT_FALSE(c.ok());
  test::expect_contains_all(c.error().message, {file + ":", "not valid YAML"});

  const auto missing = load(dir.path("absent.yaml"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot read config file"), std::string::npos) << missing.error().message;
}

TEST(Config, ComponentKeysAndOtherComponentsSections) {
  TempDir dir;
  const auto pw = dir.write("smtp", "mail-pw\n");
  const auto file = dir.write("e911.yaml",
                              "locator:\n  registry: /etc/e911/registry.yaml\n  strict: yes\n"
                              "notifier:\n  smtp.host: relay\n");
  // The locator declares its keys; the notifier's section is left alone.
  const std::vector<ConfigKey> keys = {ConfigKey::text("locator.registry"), ConfigKey::boolean("locator.strict", false),
                                       ConfigKey::text("locator.smtp_password")};
  const auto c = load(file, {{"E911_LOCATOR_SMTP_PASSWORD_FILE", pw}}, keys);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->get("locator.registry"), "/etc/e911/registry.yaml");
  EXPECT_TRUE(c->get_bool("locator.strict"));
  EXPECT_EQ(c->get("locator.smtp_password"), "mail-pw");
  EXPECT_EQ(c->get("notifier.smtp.host"), "relay");
  EXPECT_EQ(c->unvalidated_keys(), std::vector<std::string>{"notifier.smtp.host"});
  EXPECT_EQ(c->to_log_json().find("mail-pw"), std::string::npos);

  const auto typo = load(dir.write("typo.yaml", "locator:\n  registy: x\n"), {}, keys);
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("locator.registy: unknown key"), std::string::npos) << typo.error().message;
}

TEST(Config, SetFromCodeIsValidated) {
  Config c;
  EXPECT_FALSE(c.set("kafka.bootstrap.servers", "127.0.0.1:1234", "embedded broker"));
  EXPECT_EQ(c.kafka_properties().at("bootstrap.servers"), "127.0.0.1:1234");
  EXPECT_EQ(c.origin("kafka.bootstrap.servers"), "embedded broker");
  const auto bad = c.set("kafka.no.such.property", "1", "--kafka option");
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->message.find("--kafka option: kafka.no.such.property: unknown librdkafka property"),
            std::string::npos)
      << bad->message;
}

}  // namespace
}  // namespace e911
