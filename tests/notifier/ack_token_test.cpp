#include "consumers/notifier/ack_token.h"

#include <gtest/gtest.h>

#include <set>

namespace e911::notifier {
namespace {

TEST(AckToken, RoundTripsToItsId) {
  const auto id = make_ack_id();
  EXPECT_EQ(id.size(), 22u);
  const auto token = ack_token(id, "key-1");
  EXPECT_EQ(token.size(), kAckTokenLength);
  EXPECT_EQ(verify_ack_token(token, "key-1"), std::optional<std::string>(id));
}

TEST(AckToken, IdsAreUnguessable) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(make_ack_id());
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(AckToken, ForgedWrongKeyAndMangledTokensAreRefused) {
  const auto id = make_ack_id();
  const auto token = ack_token(id, "key-1");
  EXPECT_EQ(verify_ack_token(token, "key-2"), std::nullopt);
  for (std::size_t i = 0; i < token.size(); i += 7) {
    auto t = token;
    t[i] = t[i] == 'a' ? 'b' : 'a';
    EXPECT_EQ(verify_ack_token(t, "key-1"), std::nullopt) << i;
  }
  EXPECT_EQ(verify_ack_token(token.substr(1), "key-1"), std::nullopt);
  EXPECT_EQ(verify_ack_token(token + "A", "key-1"), std::nullopt);
  auto bad_char = token;
  bad_char[3] = '/';
  EXPECT_EQ(verify_ack_token(bad_char, "key-1"), std::nullopt);
  EXPECT_EQ(verify_ack_token("", "key-1"), std::nullopt);
  // A token made of the id and some other id's signature.
  const auto other = ack_token(make_ack_id(), "key-1");
  EXPECT_EQ(verify_ack_token(id + other.substr(22), "key-1"), std::nullopt);
}

TEST(AckToken, OnlyUrlSafeCharacters) {
  const auto token = ack_token(make_ack_id(), make_ack_key());
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

}  // namespace
}  // namespace e911::notifier
