// The HTTP API's bearer tokens file (consumers/auditor/api_tokens.h).

#include "common/net/api_tokens.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "common/text.h"
#include "consumers/auditor/journal/hash_chain.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/observability/log_capture.h"

namespace e911::net {
namespace {

const std::string kAliceToken = "alice-0123456789abcdefghijklmnopqrstuvwxyz";
const std::string kBobToken = "bob-ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210+/==";

std::string line(const std::string& name, const std::string& token) { return name + " " + sha256_hex(token) + "\n"; }

TEST(ApiTokens, ParsesNamesAndHashesWithCommentsAndBlankLines) {
  const std::string text = "# who may read the journal\n\n" + line("alice", kAliceToken) + "  \t\n" +
                           "bob.ci@example\t" + to_upper_ascii(sha256_hex(kBobToken)) + "\r\n";
  auto tokens = parse_api_tokens(text, "tokens.txt");
  ASSERT_TRUE(tokens) << tokens.error().message;
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].name, "alice");
  EXPECT_EQ((*tokens)[1].name, "bob.ci@example");
  EXPECT_EQ((*tokens)[1].sha256, sha256_hex(kBobToken)) << "hex is kept lower-case";
}

TEST(ApiTokens, ErrorsNameTheFileAndLineAndNeverEchoAToken) {
  auto e = parse_api_tokens("# ok\nalice " + kAliceToken + "\n", "/etc/e911/tokens");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("/etc/e911/tokens:2:"), std::string::npos) << e.error().message;
  EXPECT_EQ(e.error().message.find(kAliceToken), std::string::npos) << "a pasted token is not echoed";
  EXPECT_FALSE(parse_api_tokens("alice\n", "t"));
  EXPECT_FALSE(parse_api_tokens(sha256_hex(kAliceToken) + "\n", "t"));
  EXPECT_FALSE(parse_api_tokens("al ice " + sha256_hex(kAliceToken) + "\n", "t"));
  EXPECT_FALSE(parse_api_tokens("al/ice " + sha256_hex(kAliceToken) + "\n", "t"));
  EXPECT_FALSE(parse_api_tokens("alice " + sha256_hex(kAliceToken).substr(1) + "\n", "t"));
  e = parse_api_tokens(line("alice", kAliceToken) + line("alice", kBobToken), "t");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("t:2:"), std::string::npos);
  EXPECT_NE(e.error().message.find("twice"), std::string::npos);
  EXPECT_FALSE(parse_api_tokens(line("alice", kAliceToken) + line("bob", kAliceToken), "t"));
  EXPECT_TRUE(parse_api_tokens("", "t")) << "empty parses (the server refuses to start on it)";
}

TEST(ApiTokens, BearerHeader) {
  EXPECT_EQ(bearer_token("Bearer " + kAliceToken), kAliceToken);
  EXPECT_EQ(bearer_token("bearer  " + kBobToken), kBobToken);
  EXPECT_EQ(bearer_token("BEARER abc"), "abc");
  EXPECT_FALSE(bearer_token("Basic YWxpY2U6cGFzcw=="));
  EXPECT_FALSE(bearer_token("Bearer"));
  EXPECT_FALSE(bearer_token("Bearer "));
  EXPECT_FALSE(bearer_token("Bearerabc"));
  EXPECT_FALSE(bearer_token("Bearer a b"));
  EXPECT_FALSE(bearer_token("Bearer a=b"));
  EXPECT_FALSE(bearer_token("Bearer ab\"c"));
  EXPECT_FALSE(bearer_token("Bearer " + std::string(kMaxTokenChars + 1, 'a')));
}

TEST(ApiTokens, MatchesByHashAndNamesTheToken) {
  auto tokens = parse_api_tokens(line("alice", kAliceToken) + line("bob", kBobToken), "t");
  ASSERT_TRUE(tokens);
  EXPECT_EQ(match_api_token(*tokens, kAliceToken), "alice");
  EXPECT_EQ(match_api_token(*tokens, kBobToken), "bob");
  EXPECT_FALSE(match_api_token(*tokens, kAliceToken + "x"));
  EXPECT_FALSE(match_api_token(*tokens, sha256_hex(kAliceToken))) << "the hash itself is not a token";
  EXPECT_FALSE(match_api_token(*tokens, ""));
  EXPECT_FALSE(match_api_token({}, kAliceToken));
}

TEST(ApiTokens, NewTokensMustBeLongAndHeaderSafe) {
  auto h = hash_new_api_token(kAliceToken);
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(*h, sha256_hex(kAliceToken));
  EXPECT_FALSE(hash_new_api_token("short"));
  EXPECT_FALSE(hash_new_api_token(std::string(40, 'a') + " b"));
  EXPECT_FALSE(hash_new_api_token(std::string(40, 'a') + "\xC3\xA9"));
}

class ApiTokenFileTest : public ::testing::Test {
 protected:
  // Replaces the file atomically, as the documentation says to.
  void replace(const std::string& content) {
    const auto tmp = dir_.write("tokens.tmp", content);
    std::filesystem::rename(tmp, path_);
  }
  test::TempDir dir_;
  std::string path_ = dir_.file("tokens");
  e911::test::LogCapture logs_{LogLevel::info};
};

TEST_F(ApiTokenFileTest, RefusesToStartWithoutAUsableFile) {
  EXPECT_THROW(ApiTokenFile(dir_.file("missing")), std::runtime_error);
  replace("# nobody yet\n");
  EXPECT_THROW(ApiTokenFile{path_}, std::runtime_error);
  replace("alice not-a-hash\n");
  EXPECT_THROW(ApiTokenFile{path_}, std::runtime_error);
}

TEST_F(ApiTokenFileTest, PicksUpAReplacedFileAndFailsClosedOnABadOne) {
  replace(line("alice", kAliceToken));
  ApiTokenFile tokens(path_);
  EXPECT_EQ(tokens.size(), 1u);
  auto c = tokens.check(kAliceToken);
  EXPECT_EQ(c.outcome, ApiTokenFile::Outcome::accepted);
  EXPECT_EQ(c.name, "alice");
  EXPECT_EQ(tokens.check(kBobToken).outcome, ApiTokenFile::Outcome::rejected);

  // Alice's token revoked, Bob's added.
  replace(line("bob", kBobToken));
  EXPECT_EQ(tokens.check(kAliceToken).outcome, ApiTokenFile::Outcome::rejected);
  EXPECT_EQ(tokens.check(kBobToken).name, "bob");

  // A broken file rejects every token (a typo must not bring Alice back),
  // said once in the log.
  replace("bob " + kBobToken + "\n");
  EXPECT_EQ(tokens.check(kBobToken).outcome, ApiTokenFile::Outcome::unavailable);
  EXPECT_EQ(tokens.check(kAliceToken).outcome, ApiTokenFile::Outcome::unavailable);
  int errors = 0;
  for (const auto& l : logs_.lines()) {
    if (l.find("\"level\":\"error\"") != std::string::npos) ++errors;
    EXPECT_EQ(l.find(kBobToken), std::string::npos) << "a token in the log: " << l;
  }
  EXPECT_EQ(errors, 1);

  std::filesystem::remove(path_);
  EXPECT_EQ(tokens.check(kBobToken).outcome, ApiTokenFile::Outcome::unavailable);
  replace(line("alice", kAliceToken) + line("bob", kBobToken));
  EXPECT_EQ(tokens.check(kBobToken).outcome, ApiTokenFile::Outcome::accepted);
  EXPECT_EQ(tokens.size(), 2u);
}

TEST_F(ApiTokenFileTest, ReloadRereadsEvenAnUnchangedLookingFile) {
  replace(line("alice", kAliceToken));
  ApiTokenFile tokens(path_);
  EXPECT_EQ(tokens.check(kAliceToken).outcome, ApiTokenFile::Outcome::accepted);
  tokens.reload();
  EXPECT_EQ(tokens.check(kAliceToken).outcome, ApiTokenFile::Outcome::accepted);
  EXPECT_EQ(tokens.size(), 1u);
}

}  // namespace
}  // namespace e911::net
