#pragma once
// What SIP proxies send when they mirror signalling to a monitor: HEP v3
// packets (the Homer capture format of Kamailio, OpenSIPS, FreeSWITCH and
// Asterisk), or the SIP message itself (Kamailio siptrace's plain mode,
// with the X-Siptrace-* headers of `xheaders_write`). Both arrive over UDP
// datagrams or a TCP stream; stream_record_length() finds where one record
// ends in a stream.

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "producers/ingest/sip_call_event.h"
#include "producers/ingest/sip_message.h"

namespace e911::ingest {

struct MirroredMessage {
  std::string_view sip;  // the SIP message, a view into the packet
  MirrorInfo info;
};

bool is_hep3(std::string_view packet);

// A HEP v3 packet (chunks of vendor 0: addresses, ports, timestamp,
// protocol type, auth key, payload). Refused: a length that disagrees with
// the packet, a chunk running past it, no payload, a payload that is not
// SIP (protocol type other than 1), a compressed payload, and, when
// `auth_key` is set, a missing or different auth key.
Result<MirroredMessage> decode_hep3(std::string_view packet, std::string_view auth_key = {});
// Refused at compile time: the result would view a std::string that dies
// at the end of the statement (a temporary).
template <typename T>
  requires std::same_as<T, std::string>
Result<MirroredMessage> decode_hep3(T&& packet, std::string_view auth_key = {}) = delete;

// The X-Siptrace-Fromip / -Time / -Dir headers siptrace adds. The source is
// the device's only when the proxy received the message (Dir "in") straight
// from it (one Via); otherwise it is a hop between them.
MirrorInfo siptrace_info(const SipMessage& message);

// In a TCP stream: the length of the first complete record at the start of
// `buffer` (a HEP v3 packet, or a SIP message and its Content-Length body),
// 0 while it is incomplete, or an error when the stream cannot be framed
// (a record larger than `max_bytes`, no Content-Length on a SIP message,
// bytes that are neither). Leading CRLF keep-alives count as a record of
// their own length.
Result<std::size_t> stream_record_length(std::string_view buffer, std::size_t max_bytes);

}  // namespace e911::ingest
