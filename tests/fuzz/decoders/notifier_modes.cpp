// The notifier's decoders: the emergency call it alerts about (and the
// alerts rendered from it), and the acknowledgement endpoint's requests
// with their tokens.

#include <rapidjson/document.h>

#include <algorithm>

#include "common/encoding.h"
#include "common/json_reader.h"
#include "common/utf8.h"
#include "consumers/notifier/ack_desk.h"
#include "consumers/notifier/ack_page.h"
#include "consumers/notifier/ack_token.h"
#include "consumers/notifier/alert_text.h"
#include "consumers/notifier/emergency_call_view.h"
#include "consumers/notifier/sms.h"
#include "tests/fuzz/decoders/fuzz_modes.h"

namespace e911::fuzz {
namespace {

constexpr std::string_view kAckKey = "fuzz-ack-key-fuzz-ack-key-fuzz-ack";

// The notifier's desk as far as the token goes (Acknowledgements verifies
// it before the store is asked); every text of the alert is `shown`.
class Desk final : public notifier::AckDesk {
 public:
  explicit Desk(std::string shown) : shown_(std::move(shown)) {}
  notifier::AckView look_up(std::string_view token) override {
    return view(token, notifier::AckView::Kind::open);
  }
  notifier::AckView acknowledge(std::string_view token, std::string_view comment) override {
    auto v = view(token, notifier::AckView::Kind::acknowledged);
    if (v.kind != notifier::AckView::Kind::invalid) v.acknowledged_by = std::string(comment);
    return v;
  }
  int valid_tokens = 0;

 private:
  notifier::AckView view(std::string_view token, notifier::AckView::Kind kind) {
    notifier::AckView v;
    if (!notifier::verify_ack_token(token, kAckKey)) return v;
    ++valid_tokens;
    v.kind = kind;
    v.banner = "EMERGENCY CALL";
    v.site = v.caller = v.location = v.call_time = v.call_id = v.recipient = shown_;
    v.acknowledged_at = 1'790'000'000'000;
    return v;
  }
  std::string shown_;
};

std::size_t tags(const std::string& html) { return static_cast<std::size_t>(std::count(html.begin(), html.end(), '<')); }

}  // namespace

void notifier_emergency_call(std::string_view input) {
  // As the notifier admits a record of e911.emergency-calls.
  const auto call = notifier::decode_emergency_call(input);
  if (!call) return;
  // Then alerts about it: one-line subjects, SMS within their segments,
  // webhook bodies that are JSON.
  const notifier::AlertSite site{"london-hq", "London HQ", "Europe/London"};
  const notifier::AlertExtras extras{"https://notifier.example.com/ack/AAAAAAAAAAAAAAAAAAAAAA" + std::string(22, 'B'),
                                     "london-security did not acknowledge within 120 s"};
  const auto email = notifier::render_email(*call, site, extras);
  E911_FUZZ_EXPECT(email.subject.find_first_of("\r\n") == std::string::npos);
  E911_FUZZ_EXPECT(utf8::valid(email.subject) && utf8::valid(email.text) && utf8::valid(email.html));
  const auto sms = notifier::render_sms(*call, site, extras);
  E911_FUZZ_EXPECT(notifier::sms_segments(sms) <= notifier::kMaxSmsSegments);
  E911_FUZZ_EXPECT(utf8::valid(sms));
  const auto webhook = notifier::render_webhook(*call, site, extras);
  rapidjson::Document doc;
  const auto parsed = parse_json(webhook, {.max_bytes = 1 << 20, .max_depth = 16, .max_string = 1 << 20}, doc);
  E911_FUZZ_EXPECT_EQ(parsed ? parsed->message : std::string(), std::string());
  E911_FUZZ_EXPECT(doc.IsObject());
}

void ack_request(std::string_view input) {
  // Lines: the method, the request target, the Content-Type, then the body.
  std::string_view rest = input;
  net::HttpRequest request;
  request.method = std::string(next_line(rest));
  request.target = std::string(next_line(rest));
  const auto content_type = next_line(rest);
  if (!content_type.empty()) request.headers.push_back({"Content-Type", std::string(content_type)});
  request.body = std::string(rest);
  // The alert's texts are what the request carries: a page shows them
  // escaped, so it has as many tags with them as with plain text.
  Desk desk(request.body);
  const auto answer = notifier::answer_ack_request(desk, request);
  E911_FUZZ_EXPECT(answer.status >= 200 && answer.status <= 599);
  if (desk.valid_tokens > 0 && !request.body.empty()) {
    Desk plain(std::string(request.body.size(), 'x'));
    E911_FUZZ_EXPECT(tags(notifier::answer_ack_request(plain, request).body) == tags(answer.body));
  }

  // A token made for 16 bytes of the input verifies to its id; one with
  // another last character does not.
  if (input.size() < 17) return;
  const std::string id = base64url_encode(input.substr(0, 16));
  const std::string token = notifier::ack_token(id, kAckKey);
  E911_FUZZ_EXPECT(token.size() == notifier::kAckTokenLength);
  const auto verified = notifier::verify_ack_token(token, kAckKey);
  E911_FUZZ_EXPECT(verified && *verified == id);
  std::string altered = token;
  if (altered.back() != input[16]) {
    altered.back() = input[16];
    E911_FUZZ_EXPECT(!notifier::verify_ack_token(altered, kAckKey));
  }
  net::HttpRequest get;
  get.method = "GET";
  get.target = "/notifier-1/ack/" + token;
  Desk shown("x");
  E911_FUZZ_EXPECT(notifier::answer_ack_request(shown, get).status == 200);
}

}  // namespace e911::fuzz
