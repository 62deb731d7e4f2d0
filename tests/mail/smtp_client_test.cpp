// The SMTP client's header encoding, without a server: plain ASCII left
// alone, anything else as RFC 2047 words of whole UTF-8 characters, and
// Message-IDs that stay distinct and valid. (Delivery itself is tested
// against a real server: tests/notifier/smtp_transport_test.cpp.)

#include <Poco/Base64Decoder.h>
#include <gtest/gtest.h>

#include <iterator>
#include <sstream>
#include <string>

#include "common/mail/smtp_client.h"
#include "common/utf8.h"

namespace e911::mail {
namespace {

std::string base64_decode(const std::string& text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in);
  return std::string(std::istreambuf_iterator<char>(decoder), {});
}

TEST(SmtpHeaders, PlainAsciiIsLeftAlone) {
  EXPECT_EQ(encode_header_text("EMERGENCY CALL - London HQ - John Smith x5001"),
            "EMERGENCY CALL - London HQ - John Smith x5001");
  EXPECT_EQ(encode_header_text(""), "");
}

TEST(SmtpHeaders, NonAsciiBecomesWholeCharacterWordsOfAtMost75Chars) {
  for (const std::string& text : {std::string("Zoë"), "a" + std::string(40, 'x') + "ü", std::string(30, 'x') + "🚨🚨🚨",
                                 std::string("Łukasz ") + std::string(20, 'z') + "ĄĘĆŃÓŚŹŻąęćńóśźż",
                                 std::string("looks =?like?= a word")}) {
    const std::string encoded = encode_header_text(text);
    std::string decoded;
    std::size_t start = 0;
    while (start < encoded.size()) {
      auto end = encoded.find("\r\n ", start);
      if (end == std::string::npos) end = encoded.size();
      const std::string word = encoded.substr(start, end - start);
      EXPECT_LE(word.size(), 75u) << word;
      ASSERT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
      ASSERT_EQ(word.substr(word.size() - 2), "?=") << word;
      const std::string bytes = base64_decode(word.substr(10, word.size() - 12));
      // Whole characters: each word's bytes are valid UTF-8 on their own.
      ASSERT_FALSE(bytes.empty());
      for (std::size_t i = 0; i < bytes.size(); i += utf8::decode(bytes, i).size) {
        EXPECT_TRUE(utf8::decode(bytes, i).valid) << word;
      }
      decoded += bytes;
      start = end == encoded.size() ? end : end + 3;
    }
    EXPECT_EQ(decoded, text);
  }
}

TEST(SmtpHeaders, MessageIdIsStableAndValid) {
  EXPECT_EQ(message_id_for("n-1", "example.com"), "<n-1@example.com>");
  EXPECT_EQ(message_id_for("c-1:a@b.c:email", "example.com"), "<c-1=3Aa=40b=2Ec=3Aemail@example.com>");
  EXPECT_EQ(message_id_for("a=b", "x.org"), "<a=3Db@x.org>");  // '=' escaped too: distinct ids stay distinct
  EXPECT_NE(message_id_for("a:b", "x.org"), message_id_for("a_b", "x.org"));
}

TEST(SmtpReplies, FourHundredsAreTransientFiveHundredsPermanent) {
  EXPECT_EQ(classify_smtp_reply(250), SendOutcome::Kind::accepted);
  EXPECT_EQ(classify_smtp_reply(354), SendOutcome::Kind::accepted);
  EXPECT_EQ(classify_smtp_reply(451), SendOutcome::Kind::transient);
  EXPECT_EQ(classify_smtp_reply(550), SendOutcome::Kind::permanent);
  EXPECT_EQ(classify_smtp_reply(0), SendOutcome::Kind::permanent);
}

}  // namespace
}  // namespace e911::mail
