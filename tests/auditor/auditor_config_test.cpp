// The auditor's configuration: defaults, signing keys from files or the
// environment (never echoed), the keyring file, and errors that name the
// key (or the keyring's file and line).

#include "consumers/auditor/auditor_config.h"

#include <gtest/gtest.h>

#include "tests/auditor/audit_test_support.h"

namespace e911::auditor {
namespace {

using test::TempDir;

class AuditorConfig : public ::testing::Test {
 protected:
  // Loads `yaml` (with state_dir set) and `env`.
  Result<Config> load(const std::string& yaml, std::map<std::string, std::string> env = {}) {
    ConfigLoadOptions o;
    o.file = dir_.write("e911.yaml", "state_dir: " + dir_.file("state") + "\n" + yaml);
    o.environment = std::move(env);
    o.extra_keys = auditor_config_keys();
    return Config::load(o);
  }
  Result<AuditorSettings> settings(const std::string& yaml, bool need_signer,
                                   std::map<std::string, std::string> env = {}) {
    auto config = load(yaml, std::move(env));
    if (!config) return config.error();
    return auditor_settings(*config, need_signer);
  }
  std::string secret_file(int n = 0) { return dir_.write("secret-" + std::to_string(n), test::secret(n) + "\n"); }

  TempDir dir_;
};

TEST_F(AuditorConfig, DefaultsPutTheJournalInTheStateDirectory) {
  const auto s = settings("", /*need_signer=*/false);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->store_url, "sqlite:" + dir_.file("state") + "/audit.db");
  EXPECT_EQ(s->group_id, "e911-auditor");
  EXPECT_EQ(s->batch_max, 500u);
  EXPECT_EQ(s->store_retry.initial_delay, std::chrono::milliseconds(200));
  EXPECT_EQ(s->store_retry.max_delay, std::chrono::milliseconds(10000));
  EXPECT_EQ(s->idle_transaction_timeout_s, 30);
  EXPECT_FALSE(s->signer.has_value());
  EXPECT_EQ(s->keyring.size(), 0u);
  EXPECT_EQ(s->retention.emergency, 2557);
  EXPECT_EQ(s->retention.test, 90);
  EXPECT_EQ(s->api.listen, "127.0.0.1:8095");
  EXPECT_EQ(s->api.threads, 8);
  EXPECT_TRUE(s->api.tokens_file.empty());
}

TEST_F(AuditorConfig, EveryKeyIsRead) {
  const auto s = settings("auditor:\n"
                          "  store: postgresql://auditor@db.example:5432/e911\n"
                          "  group_id: audit-2\n"
                          "  batch_max: 50\n"
                          "  store_retry: {initial_delay_ms: 10, max_delay_ms: 20}\n"
                          "  idle_transaction_timeout_s: 0\n"
                          "  signing: {key_id: k-2026, secret: {file: " + secret_file() + "}}\n"
                          "  retention: {emergency_days: 3650, test_days: 30}\n"
                          "  api:\n"
                          "    listen: 0.0.0.0:9000\n"
                          "    threads: 2\n"
                          "    tokens: {file: /etc/e911/tokens}\n"
                          "    tls: {cert: {file: /etc/e911/api.crt}, key: {file: /etc/e911/api.key}}\n"
                          "  console:\n"
                          "    people: {file: /etc/e911/console-people}\n"
                          "    identity_header: X-Forwarded-User\n"
                          "    trusted_proxies: 10.0.0.0/8, 192.0.2.7\n"
                          "    session_minutes: 15\n"
                          "    secure_cookies: true\n",
                          /*need_signer=*/true);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->store_url, "postgresql://auditor@db.example:5432/e911");
  EXPECT_EQ(s->group_id, "audit-2");
  EXPECT_EQ(s->batch_max, 50u);
  EXPECT_EQ(s->store_retry.initial_delay, std::chrono::milliseconds(10));
  EXPECT_EQ(s->store_retry.max_delay, std::chrono::milliseconds(20));
  EXPECT_EQ(s->idle_transaction_timeout_s, 0);
  ASSERT_TRUE(s->signer.has_value());
  EXPECT_EQ(s->signer->key_id(), "k-2026");
  EXPECT_EQ(s->signer->algorithm(), SigningAlgorithm::hs256);
  EXPECT_TRUE(s->keyring.contains("k-2026"));
  EXPECT_EQ(s->retention.emergency, 3650);
  EXPECT_EQ(s->retention.test, 30);
  EXPECT_EQ(s->api.listen, "0.0.0.0:9000");
  EXPECT_EQ(s->api.threads, 2);
  EXPECT_EQ(s->api.tokens_file, "/etc/e911/tokens");
  EXPECT_EQ(s->api.tls_cert_file, "/etc/e911/api.crt");
  EXPECT_EQ(s->api.tls_key_file, "/etc/e911/api.key");
  EXPECT_EQ(s->console.people_file, "/etc/e911/console-people");
  EXPECT_EQ(s->console.identity_header, "X-Forwarded-User");
  EXPECT_EQ(s->console.trusted_proxies.size(), 2u);
  EXPECT_EQ(s->console.session_minutes, 15);
  EXPECT_TRUE(s->console.secure_cookies);
  EXPECT_FALSE(settings("", false)->console.secure_cookies);
}

TEST_F(AuditorConfig, TheSecretComesFromTheEnvironmentToo) {
  for (const auto& env : std::vector<std::map<std::string, std::string>>{
           {{"E911_AUDITOR_SIGNING_SECRET", test::secret()}},
           {{"E911_AUDITOR_SIGNING_SECRET_FILE", secret_file()}}}) {
    const auto s = settings("", /*need_signer=*/true, env);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(s->signer.has_value());
    // The same secret as the file: signatures verify with a keyring of it.
    AuditEntry probe;
    probe.seq = 1;
    probe.hash = std::string(kGenesisHash);
    probe.key_id = "k-1";
    probe.signature = s->signer->sign(1, probe.hash);
    EXPECT_TRUE(test::keyring_of(test::signer(SigningAlgorithm::hs256, "k-1")).verify(probe));
  }
}

TEST_F(AuditorConfig, AWriterNeedsASigningKeyAndIsToldWhichKey) {
  auto s = settings("", /*need_signer=*/true);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("auditor.signing.secret.file: not set"), std::string::npos) << s.error().message;
  s = settings("auditor: {signing: {algorithm: ES256}}\n", /*need_signer=*/true);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("auditor.signing.private_key.file: not set"), std::string::npos)
      << s.error().message;
  // A reader does without.
  EXPECT_TRUE(settings("auditor: {signing: {algorithm: ES256}}\n", /*need_signer=*/false));
}

TEST_F(AuditorConfig, AShortSecretIsRefusedWithoutEchoingIt) {
  const std::string weak = "hunter2-not-long-enough";
  const auto s = settings("", /*need_signer=*/true, {{"E911_AUDITOR_SIGNING_SECRET", weak}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("auditor.signing.secret.file: HS256 secret too short"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("environment variable E911_AUDITOR_SIGNING_SECRET"), std::string::npos)
      << s.error().message;
  EXPECT_EQ(s.error().message.find(weak), std::string::npos) << s.error().message;
}

TEST_F(AuditorConfig, PrivateKeysSignWithTheirAlgorithm) {
  const auto es = dir_.write("es256.pem", test::private_key_pem(SigningAlgorithm::es256));
  auto s = settings("auditor: {signing: {algorithm: ES256, key_id: k-ec, private_key: {file: " + es + "}}}\n",
                    /*need_signer=*/true);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->signer->algorithm(), SigningAlgorithm::es256);
  EXPECT_TRUE(s->keyring.contains("k-ec"));

  // The algorithm must match the key.
  s = settings("auditor: {signing: {algorithm: RS256, private_key: {file: " + es + "}}}\n", /*need_signer=*/true);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message.rfind("auditor.signing.private_key.file: ", 0), 0u) << s.error().message;
  EXPECT_EQ(s.error().message.find("BEGIN"), std::string::npos) << s.error().message;

  // A secret with ES256, a private key with HS256: one of them is a mistake.
  s = settings("auditor: {signing: {algorithm: ES256, private_key: {file: " + es + "}, secret: {file: " +
                   secret_file() + "}}}\n",
               /*need_signer=*/true);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("auditor.signing.secret.file: set, but auditor.signing.algorithm is ES256"),
            std::string::npos)
      << s.error().message;
  s = settings("auditor: {signing: {private_key: {file: " + es + "}}}\n", /*need_signer=*/true);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("auditor.signing.private_key.file: set, but auditor.signing.algorithm is HS256"),
            std::string::npos)
      << s.error().message;
}

TEST_F(AuditorConfig, BadValuesNameTheirKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"auditor: {signing: {algorithm: HS512}}\n", "auditor.signing.algorithm: expected HS256, ES256 or RS256"},
      {"auditor: {signing: {key_id: \"k 1\"}}\n", "auditor.signing.key_id: "},
      {"auditor: {group_id: \"\"}\n", "auditor.group_id: must not be empty"},
      {"auditor: {store_retry: {initial_delay_ms: 500, max_delay_ms: 100}}\n", "auditor.store_retry.max_delay_ms"},
      {"auditor: {api: {tls: {cert: {file: /x.crt}}}}\n", "auditor.api.tls.cert.file and auditor.api.tls.key.file"},
      {"auditor: {console: {i3_export: true}}\n",
       "auditor.console.i3_export: set, but no signing key is configured"},
  };
  for (const auto& [yaml, expected] : cases) {
    const auto s = settings(yaml, /*need_signer=*/false);
    ASSERT_FALSE(s) << yaml;
    EXPECT_NE(s.error().message.find(expected), std::string::npos) << yaml << " -> " << s.error().message;
  }
  // Types and ranges, and unknown keys, are the configuration loader's.
  for (const auto& [yaml, expected] : std::vector<std::pair<std::string, std::string>>{
           {"auditor: {batch_max: 0}\n", "auditor.batch_max: must be between 1 and"},
           {"auditor: {idle_transaction_timeout_s: -1}\n", "auditor.idle_transaction_timeout_s: must be between 0 and"},
           {"auditor: {batch_size: 10}\n", "auditor.batch_size: unknown key"},
           {"auditor: {signing: {secret: {file: /nonexistent/secret}}}\n", "auditor.signing.secret.file: cannot read"},
       }) {
    const auto c = load(yaml);
    ASSERT_FALSE(c) << yaml;
    EXPECT_NE(c.error().message.find(expected), std::string::npos) << yaml << " -> " << c.error().message;
  }
}

TEST_F(AuditorConfig, WithoutStateDirTheStoreMustBeGiven) {
  ConfigLoadOptions o;
  o.extra_keys = auditor_config_keys();
  auto config = Config::load(o);
  ASSERT_TRUE(config);
  const auto s = auditor_settings(*config, false);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("auditor.store: not set"), std::string::npos) << s.error().message;
}

TEST_F(AuditorConfig, KeyringFileAddsVerificationKeys) {
  const auto es = test::signer(SigningAlgorithm::es256, "k-ec");
  const auto rs = test::signer(SigningAlgorithm::rs256, "k-rsa");
  std::filesystem::create_directories(dir_.file("keys"));
  dir_.write("keys/ec.pub", es.public_key_pem());
  dir_.write("keys/rsa key.pub", rs.public_key_pem());
  dir_.write("keys/old.secret", test::secret(1) + "\n");
  const auto keyring = dir_.write("keys/keyring",
                                  "# retired and current keys\n"
                                  "\n"
                                  "k-ec   ES256  ec.pub\n"
                                  "k-rsa\tRS256\trsa key.pub\n"
                                  "k-old HS256 " + dir_.file("keys/old.secret") + "\n");
  Keyring k;
  const auto error = load_keyring_file(keyring, k);
  ASSERT_FALSE(error) << error->message;
  EXPECT_EQ(k.size(), 3u);
  EXPECT_TRUE(k.contains("k-ec"));
  EXPECT_TRUE(k.contains("k-rsa"));
  EXPECT_TRUE(k.contains("k-old"));

  // Through the configuration, with the signer's own key beside them.
  const auto s = settings("auditor: {keyring: " + keyring + ", signing: {secret: {file: " + secret_file() + "}}}\n",
                          /*need_signer=*/true);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->keyring.size(), 4u);
  EXPECT_TRUE(s->keyring.contains("k-1"));
}

TEST_F(AuditorConfig, KeyringErrorsNameTheFileAndLine) {
  std::filesystem::create_directories(dir_.file("keys"));
  const auto es = test::signer(SigningAlgorithm::es256, "k-ec");
  dir_.write("keys/ec.pub", es.public_key_pem());
  dir_.write("keys/ec.key", test::private_key_pem(SigningAlgorithm::es256));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"k-ec ES256\n", ":1: expected \"KEY_ID ALGORITHM PATH\""},
      {"# fine\nk-ec ES512 ec.pub\n", ":2: unknown algorithm"},
      {"k-ec ES256 missing.pub\n", ":1: "},
      {"k-ec ES256 ec.key\n", ":1: key k-ec: this is a private key"},
      {"k-ec ES256 ec.pub\nk-ec ES256 ec.pub\n", ":2: key id k-ec is in the keyring twice"},
  };
  for (const auto& [content, expected] : cases) {
    const auto path = dir_.write("keys/keyring", content);
    Keyring k;
    const auto error = load_keyring_file(path, k);
    ASSERT_TRUE(error) << content;
    EXPECT_EQ(error->message.rfind(path + expected, 0), 0u) << content << " -> " << error->message;
  }
  Keyring k;
  const auto missing = load_keyring_file(dir_.file("keys/none"), k);
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->message.find(dir_.file("keys/none")), std::string::npos) << missing->message;
}

TEST_F(AuditorConfig, AKeyringKeyThatCannotVerifyTheSignerIsRefused) {
  // The keyring names the signer's key id with another secret: every entry
  // written would fail verification.
  const auto keyring = dir_.write("keyring", "k-1 HS256 " + secret_file(1) + "\n");
  auto s = settings("auditor: {keyring: " + keyring + ", signing: {secret: {file: " + secret_file(0) + "}}}\n",
                    /*need_signer=*/true);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("auditor.keyring: key k-1 does not verify what the signing key signs"),
            std::string::npos)
      << s.error().message;
  // The right one is accepted.
  const auto same = dir_.write("keyring-same", "k-1 HS256 " + secret_file(0) + "\n");
  s = settings("auditor: {keyring: " + same + ", signing: {secret: {file: " + secret_file(0) + "}}}\n",
               /*need_signer=*/true);
  EXPECT_TRUE(s) << s.error().message;
}

}  // namespace
}  // namespace e911::auditor
