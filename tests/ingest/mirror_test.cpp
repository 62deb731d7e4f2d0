#include "producers/ingest/mirror.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace e911::ingest {
namespace {

void put16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v & 0xff));
}

void chunk(std::string& s, std::uint16_t type, const std::string& data, std::uint16_t vendor = 0) {
  put16(s, vendor);
  put16(s, type);
  put16(s, static_cast<std::uint16_t>(6 + data.size()));
  s += data;
}

std::string be32(std::uint32_t v) {
  std::string s;
  put16(s, static_cast<std::uint16_t>(v >> 16));
  put16(s, static_cast<std::uint16_t>(v & 0xffff));
  return s;
}

const std::string kSip = "INVITE sip:911@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK1\r\n\r\n";

// A HEP v3 packet as Kamailio's siptrace sends it (hep_version 3).
std::string hep_packet(const std::string& payload, const std::string& auth = "", bool fix_length = true) {
  std::string body;
  chunk(body, 0x01, std::string(1, '\x02'));
  chunk(body, 0x02, std::string(1, '\x11'));
  chunk(body, 0x03, std::string("\x0a\x28\x01\x17", 4));  // 10.40.1.23
  chunk(body, 0x04, std::string("\xc0\x00\x02\x05", 4));
  chunk(body, 0x07, std::string("\x13\xc4", 2));
  chunk(body, 0x08, std::string("\x13\xc4", 2));
  chunk(body, 0x09, be32(1'700'000'000));
  chunk(body, 0x0a, be32(250'000));
  chunk(body, 0x0b, std::string(1, '\x01'));
  chunk(body, 0x0c, be32(2001));
  chunk(body, 0x0004, "vendor data", 0x0021);  // a vendor chunk, skipped
  if (!auth.empty()) chunk(body, 0x0e, auth);
  chunk(body, 0x0f, payload);
  std::string packet = "HEP3";
  put16(packet, static_cast<std::uint16_t>(fix_length ? 6 + body.size() : 6));
  return packet + body;
}

TEST(Hep3, DecodesThePayloadSourceAndTime) {
  const auto packet = hep_packet(kSip);
  ASSERT_TRUE(is_hep3(packet));
  const auto m = decode_hep3(packet);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->sip, kSip);
  ASSERT_TRUE(m->info.source_ip);
  EXPECT_EQ(m->info.source_ip->to_string(), "10.40.1.23");
  EXPECT_EQ(m->info.captured_at, 1'700'000'000'250);
  EXPECT_EQ(m->info.transport, "hep");
}

TEST(Hep3, AuthKeyIsCheckedWhenConfigured) {
  const auto right = hep_packet(kSip, "s3cret"), wrong = hep_packet(kSip, "wrong"), none = hep_packet(kSip);
  EXPECT_TRUE(decode_hep3(right, "s3cret").ok());
  EXPECT_FALSE(decode_hep3(wrong, "s3cret").ok());
  EXPECT_FALSE(decode_hep3(none, "s3cret").ok());
}

TEST(Hep3, RefusesBrokenPackets) {
  const auto good = hep_packet(kSip);
  const auto misstated = hep_packet(kSip, "", false);
  EXPECT_NE(decode_hep3(misstated).error().message.find("length field says"), std::string::npos);
  // Every truncation is refused without reading past the end.
  for (std::size_t n = 0; n < good.size(); ++n) {
    std::string cut = good.substr(0, n);
    if (cut.size() >= 6) {
      cut[4] = static_cast<char>(n >> 8);
      cut[5] = static_cast<char>(n & 0xff);
    }
    const auto r = decode_hep3(cut);
    EXPECT_FALSE(r.ok() && r->sip == kSip) << n;
  }
  std::string compressed = "HEP3";
  std::string body;
  chunk(body, 0x10, "gz");
  put16(compressed, static_cast<std::uint16_t>(6 + body.size()));
  compressed += body;
  EXPECT_NE(decode_hep3(compressed).error().message.find("compressed"), std::string::npos);
  std::string rtcp = "HEP3";
  body.clear();
  chunk(body, 0x0b, std::string(1, '\x05'));
  chunk(body, 0x0f, "x");
  put16(rtcp, static_cast<std::uint16_t>(6 + body.size()));
  rtcp += body;
  EXPECT_NE(decode_hep3(rtcp).error().message.find("not SIP"), std::string::npos);
  EXPECT_FALSE(decode_hep3("HEP2xxxx").ok());
}

TEST(Siptrace, XHeadersGiveSourceAndTime) {
  auto m = parse_sip_message(
      "INVITE sip:911@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.40.1.23;branch=z9hG4bK1\r\n"
      "X-Siptrace-Fromip: udp:10.40.1.23:5060\r\nX-Siptrace-Toip: udp:192.0.2.5:5060\r\n"
      "X-Siptrace-Time: 1700000000 123456\r\nX-Siptrace-Method: INVITE\r\nX-Siptrace-Dir: in\r\n\r\n");
  ASSERT_TRUE(m.ok());
  auto info = siptrace_info(*m);
  EXPECT_EQ(info.source_ip->to_string(), "10.40.1.23");
  EXPECT_EQ(info.captured_at, 1'700'000'000'123);
  // The copy the proxy sent on ("out") came from the proxy: not the device.
  m = parse_sip_message(
      "INVITE sip:911@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.40.1.23;branch=z9hG4bK1\r\n"
      "X-Siptrace-Fromip: udp:192.0.2.5:5060\r\nX-Siptrace-Dir: out\r\n\r\n");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(siptrace_info(*m).source_ip);
  m = parse_sip_message("INVITE sip:911@h SIP/2.0\r\nX-Siptrace-Fromip: tcp:[2001:db8::5]:5060\r\nVia: a\r\n\r\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(siptrace_info(*m).source_ip->to_string(), "2001:db8::5");
}

TEST(StreamFraming, FindsRecordBoundaries) {
  const std::string sip = "INVITE sip:911@h SIP/2.0\r\nl: 3\r\n\r\nabc";
  EXPECT_EQ(*stream_record_length(sip + "NEXT", 65536), sip.size());
  EXPECT_EQ(*stream_record_length(sip.substr(0, sip.size() - 1), 65536), 0u);
  EXPECT_EQ(*stream_record_length("INVITE sip:911@h SIP/2.0\r\n", 65536), 0u);
  EXPECT_EQ(*stream_record_length("\r\n\r\nINVITE", 65536), 4u);
  const auto hep = hep_packet(kSip);
  EXPECT_EQ(*stream_record_length(hep + hep, 65536), hep.size());
  EXPECT_EQ(*stream_record_length(hep.substr(0, 10), 65536), 0u);
  EXPECT_FALSE(stream_record_length("INVITE sip:911@h SIP/2.0\r\n\r\n", 65536).ok());  // no Content-Length
  EXPECT_FALSE(stream_record_length(std::string(70000, 'x'), 65536).ok());
  EXPECT_FALSE(stream_record_length(hep, 20).ok());
}

}  // namespace
}  // namespace e911::ingest
