// `e911 ingest --config`: what ingest_setup makes of the configuration, and
// the errors an administrator gets for the Teams keys, the identity
// mapping and the listeners, each naming the key (and the file) at fault.

#include "producers/ingest/ingest_config.h"

#include <gtest/gtest.h>

#include "tests/ingest/graph_notifications.h"
#include "tests/support/component_config.h"
#include "tests/support/files.h"
#include "tests/support/temp_dir.h"

namespace e911::ingest {
namespace {

Result<IngestServiceOptions> setup(const test::TempDir& dir, const std::string& yaml) {
  return test::component_setup(dir, "kafka:\n  bootstrap.servers: 127.0.0.1:9092\n" + yaml, ingest_config_keys(),
                               ingest_setup);
}

std::string error_of(const Result<IngestServiceOptions>& r) { return r.ok() ? "(no error)" : r.error().message; }

TEST(IngestConfig, TeamsKeysAndTheirMistakes) {
  test::TempDir dir;
  const auto key = test::make_graph_key_pair();
  const auto key_file = dir.write("teams.key", key.private_pem);
  const auto cert_like = dir.write("teams.crt", key.public_pem);  // what is easy to give by mistake
  const std::string http = "ingest:\n  http: {enabled: true}\n  teams:\n";

  const auto ok = setup(dir, http + "    client_state: s3cret\n    private_key_file: " + key_file + "\n");
  ASSERT_TRUE(ok.ok()) << error_of(ok);
  ASSERT_TRUE(ok->http);
  EXPECT_EQ(ok->http->graph_client_state, "s3cret");
  EXPECT_TRUE(ok->http->graph_decryptor);
  EXPECT_TRUE(ok->http->tokens_file.empty()) << "Teams alone needs no bearer tokens";

  EXPECT_NE(error_of(setup(dir, http + "    private_key_file: " + key_file + "\n"))
                .find("ingest.teams.client_state: required with ingest.teams.private_key_file"),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, http + "    client_state: s3cret\n"))
                .find("ingest.teams.private_key_file: required with ingest.teams.client_state"),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, http + "    client_state: " + std::string(256, 'x') + "\n    private_key_file: " +
                                    key_file + "\n"))
                .find("longer than Graph's 255 characters"),
            std::string::npos);
  const auto wrong = error_of(setup(dir, http + "    client_state: s3cret\n    private_key_file: " + cert_like + "\n"));
  EXPECT_NE(wrong.find("ingest.teams: "), std::string::npos) << wrong;
  EXPECT_NE(wrong.find(cert_like), std::string::npos) << "names the file: " << wrong;
  const auto missing = error_of(
      setup(dir, http + "    client_state: s3cret\n    private_key_file: " + dir.path("absent.key") + "\n"));
  EXPECT_NE(missing.find(dir.path("absent.key")), std::string::npos) << missing;
  const auto previous = error_of(setup(dir, http + "    client_state: s3cret\n    private_key_file: " + key_file +
                                                "\n    previous_private_key_file: " + cert_like + "\n"));
  EXPECT_NE(previous.find(cert_like), std::string::npos) << previous;
}

TEST(IngestConfig, TheDirectoryNeedsARegistryThatHasOne) {
  test::TempDir dir;
  const auto registry = test::source_dir() + "/ops/demo/registry.yaml";
  EXPECT_NE(error_of(setup(dir, "ingest:\n  user_id: {directory: true}\n")).find("ingest.user_id.directory: needs "
                                                                               "ingest.registry"),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, "ingest:\n  registry: " + registry + "\n  user_id: {directory: true}\n"))
                .find("has no directory: entries"),
            std::string::npos);
  const auto with_directory =
      dir.write("registry.yaml", test::read_file(registry) + "\ndirectory:\n  - {user_id: u-1, extensions: [\"5001\"]}\n");
  const auto ok = setup(dir, "ingest:\n  registry: " + with_directory + "\n  user_id: {directory: true}\n");
  ASSERT_TRUE(ok.ok()) << error_of(ok);
  ASSERT_TRUE(ok->ingest.decode.identity.directory);
  const auto* user = ok->ingest.decode.identity.directory->user_for_extension("5001");
  ASSERT_TRUE(user);
  EXPECT_EQ(*user, "u-1");
  EXPECT_TRUE(ok->ingest.dial_plan);
}

TEST(IngestConfig, OtherMistakesNameTheirKey) {
  test::TempDir dir;
  EXPECT_NE(error_of(setup(dir, "ingest:\n  user_id: {from: to}\n")).find("ingest.user_id.from: expected from or "
                                                                          "p-asserted-identity, got \"to\""),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, "ingest:\n  user_id: {pattern: \"(\"}\n")).find("ingest.user_id.pattern: "),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, "ingest:\n  non_emergency: keep\n")).find("ingest.non_emergency: expected drop or "
                                                                          "forward"),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, "ingest:\n  sip: {udp: \"\"}\n")).find("the ingest would listen nowhere"),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, "ingest:\n  http: {enabled: true}\n")).find("ingest.http.tokens_file: required"),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, "ingest:\n  registry: " + dir.path("none.yaml") + "\n"))
                .find("ingest.registry: " + dir.path("none.yaml") + " does not load"),
            std::string::npos);
}

}  // namespace
}  // namespace e911::ingest
