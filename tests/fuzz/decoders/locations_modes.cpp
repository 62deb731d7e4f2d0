// The location service's decoders: HELD requests from SIP proxies, the
// registration a user posts, personal links, and the reminder records it
// reads back from Kafka.

#include <variant>

#include "common/events.h"
#include "common/json_writer.h"
#include "common/kafka/message.h"
#include "common/net/http_message.h"
#include "common/xml_reader.h"
#include "consumers/auditor/registration_record.h"
#include "producers/locations/address_rules.h"
#include "producers/locations/book_records.h"
#include "producers/locations/held.h"
#include "producers/locations/held_responder.h"
#include "producers/locations/identity.h"
#include "producers/locations/personal_link.h"
#include "producers/locations/registration_book.h"
#include "producers/locations/registration_request.h"
#include "producers/locations/reminder_record.h"
#include "tests/fuzz/decoders/fuzz_modes.h"
#include "tests/fuzz/decoders/round_trip.h"

namespace e911::fuzz {
namespace {

constexpr EpochMillis kNow = 1'790'000'000'000;
constexpr std::string_view kLinkSecret = "fuzz-link-secret-of-at-least-32-bytes";

locations::IdentityOptions identity_options() {
  locations::IdentityOptions o;
  o.trusted_proxies = {*IpPrefix::parse("10.9.0.0/16")};
  o.link_secret = std::string(kLinkSecret);
  return o;
}

bool acceptable_user_id(std::string_view id) {
  if (id.empty() || id.size() > locations::kMaxUserIdChars) return false;
  for (const unsigned char c : id) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

void held_request(std::string_view input) {
  // As the HELD endpoint answers a proxy's POST body.
  const auto answer = locations::answer_location_request(input, &demo_registry(), kNow);
  // Whatever was asked, the answer is a well-formed HELD document: a
  // locationResponse when located, else an error.
  const auto document = xml::parse_untrusted(answer.document, 1 << 20, "HELD answer");
  E911_FUZZ_EXPECT_EQ(document ? std::string() : document.error().message, std::string());
  const auto* root = (*document)->documentElement();
  const bool located = answer.outcome == locations::HeldOutcome::located;
  E911_FUZZ_EXPECT(xml::is_element(root, locations::kHeldNamespace, located ? "locationResponse" : "error"));
}

void registration_request(std::string_view input) {
  // As POST /v1/me/registration reads its body, then checks the address.
  const auto request = locations::decode_registration_request(input);
  if (!request) return;
  if (!locations::address_problems(request->address).empty()) return;
  // What it accepts, it publishes; the locator and the auditor accept it.
  LocationUpdate update;
  update.event_id = "loc-0123456789ab";
  update.occurred_at = kNow;
  update.user_id = "u-5001";
  update.source = "user";
  update.address = request->address;
  update.network_ip = request->network_ip;
  update.network_bssid = request->network_bssid;
  const std::string published = json::encode_location_update(update);
  const auto decoded = decode_input_event(published);
  E911_FUZZ_EXPECT_EQ(decoded ? std::string() : decoded.error().message, std::string());
  const auto* read = std::get_if<LocationUpdate>(&*decoded);
  E911_FUZZ_EXPECT(read != nullptr);
  E911_FUZZ_EXPECT(read->address == request->address);
  E911_FUZZ_EXPECT(read->network_ip == request->network_ip);
  E911_FUZZ_EXPECT(read->network_bssid == request->network_bssid);
  const auto journaled = auditor::draft_for_location_update(published, {"e911.location-updates", 0, 1}, kNow);
  E911_FUZZ_EXPECT_EQ(journaled ? std::string() : journaled.error().message, std::string());
}

void personal_link(std::string_view input) {
  // Lines: the Authorization header, the identity header, the client's
  // address, the query, X-Forwarded-For; as the user endpoints read them.
  std::string_view rest = input;
  net::HttpRequest request;
  const auto authorization = next_line(rest);
  if (!authorization.empty()) request.headers.push_back({"Authorization", std::string(authorization)});
  const auto user_header = next_line(rest);
  if (!user_header.empty()) request.headers.push_back({"X-Forwarded-User", std::string(user_header)});
  request.client_address = std::string(next_line(rest));
  request.query = std::string(next_line(rest));
  const auto forwarded = next_line(rest);
  if (!forwarded.empty()) request.headers.push_back({"X-Forwarded-For", std::string(forwarded)});
  const auto options = identity_options();
  const auto identity = locations::identify(request, options, kNow / 1000);
  if (identity) E911_FUZZ_EXPECT(acceptable_user_id(identity->user_id));
  (void)locations::seen_network(request, options);

  // A link signed for the first line's user opens that user's registration
  // until it expires, and a link with another last character opens nothing.
  const std::string user(authorization);
  if (user.empty()) return;
  const std::int64_t expires = kNow / 1000 + 3600;
  const std::string token = locations::sign_personal_link(kLinkSecret, user, expires);
  const auto opened = locations::verify_personal_link(kLinkSecret, token, kNow / 1000);
  E911_FUZZ_EXPECT_EQ(opened ? *opened : opened.error().message, user);
  E911_FUZZ_EXPECT(!locations::verify_personal_link(kLinkSecret, token, expires));
  std::string altered = token;
  const char replacement = user.back();
  if (replacement != altered.back()) {
    altered.back() = replacement;
    E911_FUZZ_EXPECT(!locations::verify_personal_link(kLinkSecret, altered, kNow / 1000));
  }
  net::HttpRequest with_link;
  with_link.headers.push_back({"Authorization", "Bearer " + token});
  const auto linked = locations::identify(with_link, options, kNow / 1000);
  E911_FUZZ_EXPECT(static_cast<bool>(linked) == acceptable_user_id(user));
  if (linked) E911_FUZZ_EXPECT_EQ(linked->user_id, user);
}

void reminder_record(std::string_view input) {
  // As the location service reads e911.location-reminders back.
  {
    locations::RegistrationBook book;
    kafka::Message message;
    message.key = "u-1";
    message.value = input;
    (void)locations::apply_reminder_record(book, message);
  }
  const auto decoded = locations::decode_reminder_record(input);
  if (!decoded) return;
  expect_encoding_round_trips(
      *decoded, [](std::string_view text) { return locations::decode_reminder_record(text); },
      locations::encode_reminder_record);
}

}  // namespace e911::fuzz
