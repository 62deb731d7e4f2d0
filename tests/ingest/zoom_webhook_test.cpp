// Zoom Phone's webhook signature and timestamp
// (producers/ingest/zoom_webhook.h), pure: what the ingest's /v1/zoom
// endpoint checks before it reads a body (the endpoint: webhook_test.cpp).

#include "producers/ingest/zoom_webhook.h"

#include <gtest/gtest.h>

#include <string>

#include "common/sha256.h"

namespace e911::ingest {
namespace {

constexpr std::string_view kSecret = "zoom-secret-token";
constexpr EpochMillis kNow = 1'764'160'500'000;  // 2025-11-26T12:35:00Z
const std::string kBody = R"({"event":"endpoint.url_validation","payload":{"plainToken":"t"}})";

std::string signature(std::string_view timestamp, std::string_view body = kBody) {
  return "v0=" + hmac_sha256_hex(kSecret, "v0:" + std::string(timestamp) + ":" + std::string(body));
}

TEST(ZoomSignature, ASignedRecentRequestPassesInSecondsOrMilliseconds) {
  EXPECT_FALSE(zoom_signature_error(kSecret, "1764160500", signature("1764160500"), kBody, kNow));
  EXPECT_FALSE(zoom_signature_error(kSecret, "1764160500000", signature("1764160500000"), kBody, kNow));
  EXPECT_EQ(zoom_signature_error(kSecret, "1764160500", signature("1764160500", "{}"), kBody, kNow),
            "x-zm-signature does not match the body");
  EXPECT_EQ(zoom_signature_error(kSecret, "1764160500x", signature("1764160500x"), kBody, kNow),
            "x-zm-request-timestamp: not a number");
}

// Found by the decoders fuzz target: a far negative timestamp overflowed
// when turned into milliseconds (undefined behaviour, on a header anyone
// may send before the signature is checked). Where the product wrapped
// around, -18446742309549051 s came out as 616 ms after now and passed
// as recent.
TEST(ZoomSignature, TimestampsOutsideTheWindowAreRefusedWithoutOverflow) {
  const std::string replay = "x-zm-request-timestamp: more than five minutes from now (a replay?)";
  for (const std::string t : {"-18446742309549051", "-900000000000076077", "-9223372036854775808", "0", "-1",
                              "9223372036854775807", "1764159000", "100000000000"}) {
    EXPECT_EQ(zoom_signature_error(kSecret, t, signature(t), kBody, kNow), replay) << t;
  }
}

}  // namespace
}  // namespace e911::ingest
