// UTF-8 validation, base64, base64url and percent-encoding (common/encoding.h,
// common/utf8.h, common/text.h), and SHA-256 digests as hex (common/sha256.h).

#include "common/encoding.h"

#include <gtest/gtest.h>

#include <string>

#include "common/sha256.h"
#include "common/text.h"
#include "common/utf8.h"

namespace e911 {
namespace {

TEST(Sha256, DigestsOfWholeInputsAndOfPartsAreTheStandardOnes) {
  // FIPS 180-2's one-block and two-block examples.
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(two_blocks), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // Parts hash as if joined: short ones on the stack, long ones on the heap.
  EXPECT_EQ(sha256({"a", "", "bc"}), sha256("abc"));
  EXPECT_EQ(sha256({two_blocks.substr(0, 17), "\n", two_blocks.substr(17)}),
            sha256(two_blocks.substr(0, 17) + "\n" + two_blocks.substr(17)));
  const std::string long_part(600, 'x');
  EXPECT_EQ(sha256({"head", long_part, "tail"}), sha256("head" + long_part + "tail"));
  // Hex appended, cut to a prefix.
  std::string id = "sip-";
  append_hex(id, sha256("abc"), 24);
  EXPECT_EQ(id, "sip-ba7816bf8f01cfea414140de");
  std::string whole;
  append_hex(whole, sha256("abc"));
  EXPECT_EQ(whole, sha256_hex("abc"));
}

TEST(Encoding, Utf8AndBase64Helpers) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));              // €
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));                 // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));             // surrogate
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));                 // cut short
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Encoding, Base64UrlRoundTripsAndRefusesOtherSpellings) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode(std::string("\xfb\xff", 2)), "-_8");
  for (const std::string& bytes : {std::string(""), std::string("a"), std::string(17, '\xff'), std::string("\0\x01\x02", 3)}) {
    const auto back = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, bytes);
  }
  EXPECT_FALSE(base64url_decode("Zg=="));  // padding
  EXPECT_FALSE(base64url_decode("Zh"));    // "f" with a trailing bit set: another spelling
  EXPECT_FALSE(base64url_decode("Z+8"));   // base64, not base64url
  EXPECT_FALSE(base64url_decode("Z"));     // no byte ends here
  EXPECT_FALSE(base64url_decode("Zm 8"));
}

TEST(Encoding, Base64DecodesWithOrWithoutPaddingAndNothingElse) {
  for (const std::string& bytes : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                                   std::string(33, '\xfb'), std::string("\0\x01\x02", 3)}) {
    const auto back = base64_decode(base64_encode(bytes));
    ASSERT_TRUE(back) << base64_encode(bytes);
    EXPECT_EQ(*back, bytes);
  }
  EXPECT_EQ(base64_decode("Zg"), "f");
  EXPECT_EQ(base64_decode("+/8="), std::string("\xfb\xff", 2));
  EXPECT_FALSE(base64_decode("Zg="));    // half padded
  EXPECT_FALSE(base64_decode("Z==="));   // no byte ends here
  EXPECT_FALSE(base64_decode("Zg==Zg==")) << "padding inside";
  EXPECT_FALSE(base64_decode("-_8"));    // base64url, not base64
  EXPECT_FALSE(base64_decode("Zm9v\nYmFy"));
}

TEST(Encoding, PercentEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a b&c=d/e?f#g+h%i"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25i");
  EXPECT_EQ(percent_encode("!*'();:@$,[]\"<>{}|\\^`"),
            "%21%2A%27%28%29%3B%3A%40%24%2C%5B%5D%22%3C%3E%7B%7D%7C%5C%5E%60");
  EXPECT_EQ(percent_encode("\xe2\x82\xac\n"), "%E2%82%AC%0A");
}

TEST(Encoding, QuotedValuesInMessagesAreAlwaysUtf8) {
  EXPECT_EQ(quote_for_message("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(quote_for_message("\xff\xfe"), "\"\\xff\\xfe\"");
  EXPECT_TRUE(utf8::valid(quote_for_message("a\xc3(\xed\xa0\x80" "b")));
  EXPECT_EQ(quote_for_message("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 2), "\"\xe2\x82\xac\xe2\x82\xac...\"")
      << "cut by characters, never inside one";
}

}  // namespace
}  // namespace e911
