#include "producers/ingest/mirror.h"

#include <charconv>
#include <algorithm>
#include <cstdint>
#include <optional>

#include "common/text.h"

namespace e911::ingest {
namespace {

std::uint16_t be16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(s[at]) << 8) | static_cast<unsigned char>(s[at + 1]));
}

std::uint32_t be32(std::string_view s, std::size_t at) {
  return (static_cast<std::uint32_t>(be16(s, at)) << 16) | be16(s, at + 2);
}

// HEP v3 chunk types of the generic vendor (0).
enum HepChunk : std::uint16_t {
  kIpFamily = 0x01,
  kIpv4Source = 0x03,
  kIpv6Source = 0x05,
  kTimeSeconds = 0x09,
  kTimeMicros = 0x0a,
  kProtocolType = 0x0b,
  kAuthKey = 0x0e,
  kPayload = 0x0f,
  kCompressedPayload = 0x10,
};

constexpr std::size_t kHepHeader = 6;  // "HEP3" + total length
constexpr std::size_t kChunkHeader = 6;  // vendor, type, length

// The header section's end (just past its empty line) in a stream buffer,
// or npos when it has not all arrived.
std::size_t headers_end(std::string_view s) {
  for (std::size_t i = s.find('\n'); i != std::string_view::npos; i = s.find('\n', i + 1)) {
    if (i + 1 < s.size() && s[i + 1] == '\n') return i + 2;
    if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

}  // namespace

bool is_hep3(std::string_view packet) { return packet.size() >= 4 && packet.substr(0, 4) == "HEP3"; }

Result<MirroredMessage> decode_hep3(std::string_view packet, std::string_view auth_key) {
  if (!is_hep3(packet)) return Error{"HEP: not a HEP v3 packet (no HEP3 magic)"};
  if (packet.size() < kHepHeader) return Error{"HEP: packet shorter than its header"};
  const std::size_t total = be16(packet, 4);
  if (total != packet.size())
    return Error{"HEP: length field says " + std::to_string(total) + " bytes, the packet has " +
                 std::to_string(packet.size())};
  MirroredMessage out;
  out.info.transport = "hep";
  bool has_payload = false, has_auth = false;
  int protocol_type = -1;
  std::optional<std::uint32_t> seconds, micros;
  std::string_view key;
  for (std::size_t pos = kHepHeader; pos < packet.size();) {
    if (packet.size() - pos < kChunkHeader) return Error{"HEP: a chunk header runs past the end of the packet"};
    const auto vendor = be16(packet, pos);
    const auto type = be16(packet, pos + 2);
    const std::size_t length = be16(packet, pos + 4);
    if (length < kChunkHeader || length > packet.size() - pos)
      return Error{"HEP: chunk type " + std::to_string(type) + " has a length of " + std::to_string(length) +
                   ", past the end of the packet"};
    const auto data = packet.substr(pos + kChunkHeader, length - kChunkHeader);
    pos += length;
    if (vendor != 0) continue;  // vendor chunks carry nothing the ingest uses
    switch (type) {
      case kIpv4Source:
        if (data.size() == 4) out.info.source_ip = IpAddress::v4(be32(data, 0));
        break;
      case kIpv6Source:
        if (data.size() == 16) {
          uint128 bits = 0;
          for (char c : data) bits = (bits << 8) | static_cast<unsigned char>(c);
          out.info.source_ip = IpAddress::v6(bits);
        }
        break;
      case kTimeSeconds:
        if (data.size() == 4) seconds = be32(data, 0);
        break;
      case kTimeMicros:
        if (data.size() == 4) micros = be32(data, 0);
        break;
      case kProtocolType:
        if (data.size() == 1) protocol_type = static_cast<unsigned char>(data[0]);
        break;
      case kAuthKey:
        key = data;
        has_auth = true;
        break;
      case kPayload:
        out.sip = data;
        has_payload = true;
        break;
      case kCompressedPayload:
        return Error{"HEP: compressed payloads are not supported (turn payload compression off at the agent)"};
      default:
        break;
    }
  }
  if (!auth_key.empty() && (!has_auth || key != auth_key)) return Error{"HEP: auth key missing or wrong"};
  if (!has_payload) return Error{"HEP: no payload chunk"};
  if (protocol_type != -1 && protocol_type != 1)
    return Error{"HEP: payload is protocol type " + std::to_string(protocol_type) + ", not SIP (1)"};
  if (seconds) out.info.captured_at = static_cast<EpochMillis>(*seconds) * 1000 + (micros ? *micros / 1000 : 0);
  return out;
}

MirrorInfo siptrace_info(const SipMessage& m) {
  MirrorInfo info;
  info.transport = "siptrace";
  // "udp:10.40.1.23:5060", "tcp:[2001:db8::1]:5060"
  if (const auto from = m.header("X-Siptrace-Fromip")) {
    auto v = trim(*from);
    const auto colon = v.find(':');
    if (colon != std::string_view::npos) v = v.substr(colon + 1);
    if (!v.empty() && v.front() == '[') {
      const auto close = v.find(']');
      v = close == std::string_view::npos ? std::string_view{} : v.substr(1, close - 1);
    } else {
      v = v.substr(0, v.rfind(':'));
    }
    const auto dir = m.header("X-Siptrace-Dir").value_or("in");
    if (equals_ignore_case(trim(dir), "in") && m.values("Via").size() == 1) info.source_ip = IpAddress::parse(v);
  }
  // "1700000000 123456": seconds and microseconds.
  if (const auto time = m.header("X-Siptrace-Time")) {
    const auto v = trim(*time);
    const auto sp = v.find(' ');
    std::int64_t sec = 0, usec = 0;
    const auto s = v.substr(0, sp);
    if (std::from_chars(s.data(), s.data() + s.size(), sec).ec == std::errc{} && sec > 0) {
      if (sp != std::string_view::npos) {
        const auto u = trim(v.substr(sp + 1));
        std::from_chars(u.data(), u.data() + u.size(), usec);
      }
      info.captured_at = sec * 1000 + usec / 1000;
    }
  }
  return info;
}

Result<std::size_t> stream_record_length(std::string_view buffer, std::size_t max_bytes) {
  std::size_t crlf = 0;
  while (crlf < buffer.size() && (buffer[crlf] == '\r' || buffer[crlf] == '\n')) ++crlf;
  if (crlf > 0) return crlf;
  if (buffer.size() < 4) return std::size_t{0};
  if (is_hep3(buffer)) {
    if (buffer.size() < kHepHeader) return std::size_t{0};
    const std::size_t total = be16(buffer, 4);
    if (total < kHepHeader) return Error{"HEP: length field smaller than the header"};
    if (total > max_bytes) return Error{"HEP: a packet of " + std::to_string(total) + " bytes is over the limit"};
    return buffer.size() >= total ? total : 0;
  }
  const auto end = headers_end(buffer.substr(0, std::min(buffer.size(), max_bytes)));
  if (end == std::string_view::npos) {
    if (buffer.size() >= max_bytes) return Error{"SIP over TCP: no end of headers within " + std::to_string(max_bytes) + " bytes"};
    return std::size_t{0};
  }
  std::optional<std::string_view> cl;
  for (std::size_t pos = 0; pos < end;) {
    const auto nl = buffer.find('\n', pos);
    const auto line = buffer.substr(pos, nl - pos);
    pos = nl + 1;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (equals_ignore_case(full_header_name(trim(line.substr(0, colon))), "Content-Length")) cl = line.substr(colon + 1);
  }
  if (!cl) return Error{"SIP over TCP: a message without Content-Length cannot be framed"};
  std::size_t length = 0;
  const auto v = trim(*cl);
  if (std::from_chars(v.data(), v.data() + v.size(), length).ec != std::errc{} || length > max_bytes)
    return Error{"SIP over TCP: Content-Length not a number within the limit"};
  if (end + length > max_bytes) return Error{"SIP over TCP: a message over the size limit"};
  return buffer.size() >= end + length ? end + length : 0;
}

}  // namespace e911::ingest
