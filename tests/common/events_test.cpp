#include "common/events.h"

#include <gtest/gtest.h>

#include <string>

namespace e911 {
namespace {

const std::string kCall =
    R"({"schema":"e911.call-event/v1","event_id":"ev-1","call_id":"c-1","type":"call.initiated",)"
    R"("occurred_at":"2026-11-21T10:15:00.120Z","dialed":"112",)"
    R"("caller":{"user_id":"u-5001","name":"John Smith","extension":"5001","callback":"+442079460101"},)"
    R"("device":{"id":"d-77","kind":"softphone","mac":"00-04-F2-15-C2-85","ip":"10.40.1.23",)"
    R"("lldp":{"chassis_id":"001B.54AA.0001","port_id":"Gi1/0/12"},"bssid":"001122334455","vpn":false,)"
    R"("geo":{"lat":51.5,"lon":-0.1,"accuracy_m":30}},"site_id":"london-hq","pidf_lo":"<presence/>"})";

std::string error_of(const std::string& payload) {
  auto r = decode_input_event(payload);
  return r ? std::string("(accepted)") : r.error().message;
}

std::string with(std::string base, const std::string& from, const std::string& to) {
  const auto pos = base.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return base.replace(pos, from.size(), to);
}

TEST(Events, DecodesTheContractCallEventWithEveryField) {
  auto r = decode_input_event(kCall);
  ASSERT_TRUE(r) << r.error().message;
  const auto& e = std::get<CallEvent>(*r);
  EXPECT_EQ(e.call_id, "c-1");
  EXPECT_EQ(e.type, CallEventType::initiated);
  EXPECT_EQ(format_rfc3339(e.occurred_at), "2026-11-21T10:15:00.120Z");
  EXPECT_EQ(e.caller.callback, "+442079460101");
  EXPECT_EQ(e.device.mac->to_string(), "00:04:f2:15:c2:85");
  EXPECT_EQ(e.device.lldp->chassis_id, "00:1b:54:aa:00:01");
  EXPECT_EQ(e.device.bssid->to_string(), "00:11:22:33:44:55");
  EXPECT_DOUBLE_EQ(*e.device.geo->accuracy_m, 30);
  EXPECT_EQ(e.site_id, "london-hq");
}

TEST(Events, DecodesLocationUpdate) {
  auto r = decode_input_event(
      R"({"schema":"e911.location-update/v1","event_id":"lu-1","occurred_at":"2026-11-21T09:00:00Z","user_id":"u-7002",)"
      R"("source":"user","validated":true,"address":{"country":"us","city":"Austin","street":"Example Ave",)"
      R"("house_number":"500","unit":"4B","multi_dwelling":true},"network":{"ip":"198.51.100.7"}})");
  ASSERT_TRUE(r) << r.error().message;
  const auto& u = std::get<LocationUpdate>(*r);
  EXPECT_EQ(u.address.country, "US");
  EXPECT_TRUE(u.address.multi_dwelling);
  EXPECT_EQ(u.network_ip->to_string(), "198.51.100.7");
}

TEST(Events, RejectionsNameTheField) {
  EXPECT_EQ(error_of(with(kCall, R"("ip":"10.40.1.23")", R"("ip":"10.40.1.999")")),
            "device.ip: not an IP address: \"10.40.1.999\"");
  EXPECT_EQ(error_of(with(kCall, R"("call_id":"c-1",)", "")), "call_id: missing");
  EXPECT_EQ(error_of(with(kCall, R"("call_id":"c-1")", R"("call_id":42)")), "call_id: expected a string, got number");
  EXPECT_EQ(error_of(with(kCall, R"("vpn":false)", R"("vpn":"no")")), "device.vpn: expected a boolean, got string");
  const auto caller_start = kCall.find(R"("caller":{)");
  std::string null_caller = kCall;
  null_caller.replace(caller_start, kCall.find('}', caller_start) - caller_start + 1, R"("caller":null)");
  EXPECT_EQ(error_of(null_caller), "caller: expected an object, got null");
  EXPECT_EQ(error_of(with(kCall, R"("type":"call.initiated")", R"("type":"call.ringing")")).substr(0, 35),
            "type: unknown call event type \"call");
  EXPECT_EQ(error_of(with(kCall, R"("lat":51.5)", R"("lat":151.5)")), "device.geo.lat: out of range [-90, 90]");
  EXPECT_EQ(error_of(with(kCall, R"("mac":"00-04-F2-15-C2-85")", R"("mac":"00:04:f2:15:c2")")),
            "device.mac: not a MAC address: \"00:04:f2:15:c2\"");
  EXPECT_EQ(error_of(with(kCall, R"("port_id":"Gi1/0/12")", R"("port":"Gi1/0/12")")), "device.lldp.port_id: missing");
  EXPECT_EQ(error_of(with(kCall, R"("caller":{)", R"("caller":[1],"x":{)")), "caller: expected an object, got array");
  EXPECT_EQ(error_of(with(kCall, "2026-11-21T10:15:00.120Z", "2026-02-30T10:15:00Z")),
            "occurred_at: not an RFC 3339 timestamp: \"2026-02-30T10:15:00Z\"");
  EXPECT_EQ(error_of(with(kCall, "e911.call-event/v1", "e911.call-event/v9")).substr(0, 48),
            "schema: unsupported version \"e911.call-event/v9\"");
  EXPECT_EQ(error_of(with(kCall, "e911.call-event/v1", "something/else")), "schema: unknown event schema \"something/else\"");
  EXPECT_EQ(error_of("[1,2]"), "expected a JSON object, got array");
  EXPECT_EQ(error_of(""), "empty payload");
}

TEST(Events, HostileInputIsRejectedWithAReason) {
  // Deep nesting: bounded before parsing.
  EXPECT_EQ(error_of(std::string(100000, '[')).substr(0, 22), "payload too large: 100");
  JsonLimits big;
  big.max_bytes = 10 << 20;
  auto deep = decode_input_event(std::string(200000, '['), big);
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().message, "JSON nested deeper than 16 levels");
  // Brackets inside strings (with escaped quotes and backslashes) are not
  // nesting; the same brackets outside are.
  const std::string brackets(40, '[');
  EXPECT_EQ(error_of(with(kCall, "John Smith", "J\\\\\\\"" + brackets + "\\\\")), "(accepted)");
  EXPECT_EQ(error_of(with(kCall, R"("vpn":false)", R"("vpn":false,"x":)" + brackets)),
            "JSON nested deeper than 16 levels");
  // Multi-megabyte line.
  EXPECT_EQ(error_of(std::string(5 << 20, ' ')).substr(0, 18), "payload too large:");
  // NUL bytes, raw and escaped.
  EXPECT_EQ(error_of(std::string("{\"schema\":\0}", 12)), "NUL byte at offset 10");
  EXPECT_EQ(error_of(with(kCall, R"("call_id":"c-1")", R"("call_id":"c-\u00001")")),
            "call_id: contains control characters");
  // Invalid UTF-8.
  EXPECT_EQ(error_of(with(kCall, "John Smith", "John \xff\xfe Smith")).substr(0, 22), "invalid JSON at offset");
  // Overlong strings.
  EXPECT_EQ(error_of(with(kCall, "John Smith", std::string(20000, 'x'))).substr(0, 30), "caller.name: string too long: ");
  // Huge numbers and NaN-like tokens.
  EXPECT_EQ(error_of(with(kCall, R"("lat":51.5)", R"("lat":1e999)")).substr(0, 22), "invalid JSON at offset");
  EXPECT_EQ(error_of(with(kCall, R"("lat":51.5)", R"("lat":NaN)")).substr(0, 22), "invalid JSON at offset");
}

// Found by the decoders fuzz target: the JSON parser decoded an escaped
// lone low surrogate into bytes that are not UTF-8; the locator then wrote
// them into an emergency call that the notifier could not parse, and no
// one was alerted.
TEST(Events, EscapedLoneSurrogatesAreRejected) {
  const std::string lone = "invalid JSON: a string escapes a lone UTF-16 surrogate (\\udc00 without \\ud800 before it)";
  EXPECT_EQ(error_of(with(kCall, "John Smith", R"(John \udc00 Smith)")), lone);
  EXPECT_EQ(error_of(with(kCall, "John Smith", R"(\ud83d\ude91 \uDDEE)")), lone);  // a pair, then a lone one
  EXPECT_EQ(error_of(with(kCall, R"("user_id":)", R"("\udfff":1,"user_id":)")), lone);  // in a member name
  // A pair is one character; an escaped backslash before "udc00" is text.
  auto r = decode_input_event(with(kCall, "John Smith", R"(\ud83d\ude91 \\udc00)"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(std::get<CallEvent>(*r).caller.name, "\xF0\x9F\x9A\x91 \\udc00");
  // The same for every decoder of JSON (the notifier's, the auditor's...).
  rapidjson::Document doc;
  const auto e = parse_json(R"({"name":"\uDC00"})", {}, doc);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message, lone);
}

TEST(Events, RequiresAKeyForTheCaller) {
  EXPECT_EQ(error_of(with(with(kCall, R"("user_id":"u-5001",)", ""), R"("id":"d-77",)", "")),
            "caller.user_id: missing (and no device.id to key the caller by)");
  auto r = decode_input_event(with(kCall, R"("user_id":"u-5001",)", ""));
  ASSERT_TRUE(r);
  EXPECT_EQ(std::get<CallEvent>(*r).subject_id(), "d-77");
}

}  // namespace
}  // namespace e911
