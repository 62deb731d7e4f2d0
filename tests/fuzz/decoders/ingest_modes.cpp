// The ingest's webhook parsers: Zoom Phone's signed webhooks and
// Microsoft Graph's Teams notifications (its validation handshake, the
// notification batch, and a resource through its decryption).

#include <variant>
#include <vector>

#include "common/events.h"
#include "common/sha256.h"
#include "common/timestamp.h"
#include "producers/ingest/graph_decryptor.h"
#include "producers/ingest/graph_webhook.h"
#include "producers/ingest/zoom_webhook.h"
#include "tests/fuzz/decoders/fuzz_modes.h"
#include "tests/ingest/graph_notifications.h"

namespace e911::fuzz {
namespace {

constexpr std::string_view kZoomSecret = "fuzz-zoom-secret-token";
constexpr std::string_view kClientState = "fuzz-client-state";

// A call event the ingest publishes is one the locator accepts, keyed by
// its subject.
void expect_publishable(const std::string& key, const std::string& json) {
  const auto decoded = decode_input_event(json);
  E911_FUZZ_EXPECT_EQ(decoded ? std::string() : decoded.error().message, std::string());
  const auto* call = std::get_if<CallEvent>(&*decoded);
  E911_FUZZ_EXPECT(call != nullptr);
  E911_FUZZ_EXPECT_EQ(call->subject_id(), key);
}

struct Teams {
  test::GraphKeyPair keys = test::make_graph_key_pair();
  ingest::GraphDecryptor decryptor = [&] {
    auto d = ingest::GraphDecryptor::create({{"e911-test-cert", keys.private_pem}});
    if (!d) invariant_failed("GraphDecryptor::create", __FILE__, __LINE__, d.error().message);
    return std::move(*d);
  }();
  ingest::GraphSettings settings{std::string(kClientState), &decryptor};
};

// One key pair per process: RSA key generation is slow.
Teams& teams() {
  static Teams t;
  return t;
}

void expect_items_sound(const std::vector<ingest::GraphItem>& items) {
  for (const auto& item : items) {
    if (item.kind == ingest::GraphItem::Kind::call_event) {
      E911_FUZZ_EXPECT(item.authenticated);
      expect_publishable(item.key, item.json);
    } else {
      E911_FUZZ_EXPECT(!item.reason.empty());
      // What the dead-letter topic gets of a refused notification of ours.
      if (item.kind == ingest::GraphItem::Kind::rejected && item.authenticated) {
        E911_FUZZ_EXPECT(!item.notification.empty());
      }
    }
  }
}

}  // namespace

void zoom_webhook(std::string_view input) {
  // Lines: x-zm-request-timestamp, x-zm-signature, then the body.
  std::string_view rest = input;
  const auto timestamp = next_line(rest);
  const auto signature = next_line(rest);
  const std::string_view body = rest;
  const EpochMillis now = 1'790'000'000'000;
  (void)ingest::zoom_signature_error(kZoomSecret, timestamp, signature, body, now);
  // A body signed as Zoom signs it passes.
  const std::string seconds = std::to_string(now / 1000);
  const std::string good = "v0=" + hmac_sha256_hex(kZoomSecret, "v0:" + seconds + ":" + std::string(body));
  E911_FUZZ_EXPECT(!ingest::zoom_signature_error(kZoomSecret, seconds, good, body, now));

  // What the endpoint does with a body whose signature passed.
  const auto outcome = ingest::handle_zoom_event(body, kZoomSecret);
  if (!outcome) return;
  switch (outcome->kind) {
    case ingest::ZoomOutcome::Kind::validation:
      E911_FUZZ_EXPECT(!outcome->response.empty());
      break;
    case ingest::ZoomOutcome::Kind::call_event:
      expect_publishable(outcome->key, outcome->json);
      break;
    case ingest::ZoomOutcome::Kind::ignored:
      E911_FUZZ_EXPECT(!outcome->reason.empty());
      break;
  }
}

void teams_webhook(std::string_view input) {
  // The first line is the request's query (the validation handshake), the
  // rest its body (a notification batch).
  std::string_view rest = input;
  const auto query = next_line(rest);
  if (const auto token = ingest::graph_validation_token(query); token && *token) {
    E911_FUZZ_EXPECT(!(*token)->empty());
  }
  const auto items = ingest::handle_graph_notifications(rest, teams().settings);
  if (items) expect_items_sound(*items);
}

void teams_resource(std::string_view input) {
  // A resource as Graph sends it: encrypted to our certificate, in a
  // notification of our subscription.
  auto& t = teams();
  const auto encrypted = test::graph_encrypt(t.keys.public_pem, std::string(input));
  const auto items = ingest::handle_graph_notifications(
      test::graph_notification_body(std::string(kClientState), encrypted), t.settings);
  E911_FUZZ_EXPECT(static_cast<bool>(items));
  E911_FUZZ_EXPECT(items->size() == 1);
  const auto& item = items->front();
  E911_FUZZ_EXPECT(item.authenticated);
  expect_items_sound(*items);
  // Decryption changes nothing: the same verdict as the resource mapped directly.
  const auto direct = ingest::map_emergency_call_event(input);
  E911_FUZZ_EXPECT(direct.kind == item.kind);
  E911_FUZZ_EXPECT_EQ(direct.key, item.key);
}

}  // namespace e911::fuzz
