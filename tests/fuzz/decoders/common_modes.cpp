// Decoders of common/ and the locator: the contract's input events, the
// PIDF-LO an endpoint conveys, ELIN assignments, and the HTTP request head
// every endpoint reads.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <variant>

#include "common/events.h"
#include "common/json_writer.h"
#include "common/kafka/message.h"
#include "common/net/http_parser.h"
#include "common/pidf_lo.h"
#include "consumers/locator/elin_assignment_record.h"
#include "producers/locations/book_records.h"
#include "producers/locations/registration_book.h"
#include "tests/fuzz/decoders/fuzz_modes.h"
#include "tests/fuzz/decoders/round_trip.h"

namespace e911::fuzz {
namespace {

// An event as the contract's JSON: a call event as the ingest's platform
// mappings write one (put_call_event_fields), a location update as the
// location service publishes one.
std::string encode(const InputEvent& event) {
  if (const auto* call = std::get_if<CallEvent>(&event)) {
    rapidjson::StringBuffer buffer;
    json::Writer w(buffer);
    w.StartObject();
    json::put_call_event_fields(w, *call);
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
  }
  return json::encode_location_update(std::get<LocationUpdate>(event));
}

// What parse_pidf_lo read, rendered as the locator renders a location.
std::string render(const EndpointLocation& l) {
  PidfLoInput in;
  in.entity = l.entity;
  in.address = l.address;
  in.geo = l.geo;
  in.method = l.method;
  in.timestamp = l.timestamp.value_or(0);
  return render_pidf_lo(in);
}

}  // namespace

void call_events(std::string_view input) {
  // As the locator, the ingest's HTTP endpoint, the auditor and the
  // location service read a record of e911.call-events or
  // e911.location-updates.
  const auto decoded = decode_input_event(input);
  {
    // The location service's book, from either topic.
    locations::RegistrationBook book;
    kafka::Message message;
    message.key = "u-1";
    message.value = input;
    (void)locations::apply_location_update(book, message);
    (void)locations::apply_call_event(book, message);
  }
  if (!decoded) return;
  // What is accepted, written again as the contract's JSON, is accepted
  // again and written the same way.
  expect_encoding_round_trips(
      *decoded, [](std::string_view text) { return decode_input_event(text); },
      encode);
}

void pidf_lo(std::string_view input) {
  // As the locator reads a call event's pidf_lo.
  std::string error;
  const auto parsed = parse_pidf_lo(input, error);
  if (!parsed) {
    E911_FUZZ_EXPECT(!error.empty());
    return;
  }
  // What was read, rendered, reads back as itself.
  const std::string once = render(*parsed);
  std::string again_error;
  const auto again = parse_pidf_lo(once, again_error);
  E911_FUZZ_EXPECT_EQ(again_error, std::string());
  E911_FUZZ_EXPECT(again.has_value());
  E911_FUZZ_EXPECT_EQ(render(*again), once);
}

void elin_assignment(std::string_view input) {
  // As every locator replica reads e911.elin-assignments.
  const auto decoded = locator::decode_elin_assignment(input);
  if (!decoded) return;
  expect_encoding_round_trips(
      *decoded, [](std::string_view text) { return locator::decode_elin_assignment(text); },
      locator::encode_elin_assignment);
}

void http_request_head(std::string_view input) {
  // As every endpoint's connection reads a request: the head up to its
  // blank line, then a chunked body.
  const auto end = input.find("\r\n\r\n");
  const auto head_text = end == std::string_view::npos ? input : input.substr(0, end + 4);
  const auto parsed = net::parse_request_head(head_text);
  if (!parsed.head) {
    E911_FUZZ_EXPECT(parsed.error.status >= 400 && parsed.error.status <= 599);
    return;
  }
  if (!parsed.head->chunked || end == std::string_view::npos) return;
  const auto rest = input.substr(end + 4);
  constexpr std::size_t kMaxBody = 512;
  // Whole, and a byte at a time (as the network may deliver it): the same
  // verdict, the same bytes used, and the same body unless it is too large
  // (then it is refused whole, and what was kept of it is not used).
  net::ChunkedDecoder whole(kMaxBody);
  std::string body_whole;
  std::size_t used_whole = 0;
  const auto state_whole = whole.feed(rest, body_whole, used_whole);
  E911_FUZZ_EXPECT(used_whole <= rest.size());
  E911_FUZZ_EXPECT(body_whole.size() <= kMaxBody);

  net::ChunkedDecoder bytewise(kMaxBody);
  std::string body_bytewise;
  std::size_t used_bytewise = 0;
  auto state_bytewise = net::ChunkedDecoder::State::more;
  for (std::size_t i = 0; i < rest.size() && state_bytewise == net::ChunkedDecoder::State::more; ++i) {
    std::size_t used = 0;
    state_bytewise = bytewise.feed(rest.substr(i, 1), body_bytewise, used);
    E911_FUZZ_EXPECT(used <= 1);
    used_bytewise += used;
  }
  E911_FUZZ_EXPECT(state_bytewise == state_whole);
  E911_FUZZ_EXPECT(whole.too_large() == bytewise.too_large());
  if (!whole.too_large()) E911_FUZZ_EXPECT(body_bytewise == body_whole);
  if (state_whole == net::ChunkedDecoder::State::done) E911_FUZZ_EXPECT(used_bytewise == used_whole);
}

}  // namespace e911::fuzz
