// libFuzzer target: one SIP message through everything the ingest does
// with it (`tests/fuzz/run.sh sip` builds and runs it, time-bounded).
// The first byte chooses how the rest is read, so one corpus reaches the
// datagram path (HEP v3 or plain SIP), the stream framing and the
// multipart parser directly.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "producers/ingest/mirror.h"
#include "producers/ingest/multipart.h"
#include "producers/ingest/sip_address.h"
#include "producers/ingest/sip_call_event.h"
#include "producers/ingest/sip_message.h"
#include "producers/ingest/xml_screen.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const char mode = static_cast<char>(data[0]);
  // A copy of exactly the input's size: AddressSanitizer sees any read past it.
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string_view input(bytes);
  using namespace e911::ingest;
  switch (mode % 4) {
    case 0: {  // a datagram from a mirror, decoded into a call event and encoded
      static SipCallDecoder decoder({}, 64);
      std::string_view sip = input;
      MirrorInfo mirror{.transport = "siptrace"};
      if (is_hep3(input)) {
        auto hep = decode_hep3(input);
        if (!hep) return 0;
        sip = hep->sip;
        mirror = hep->info;
      }
      auto message = parse_sip_message(sip);
      if (!message) return 0;
      if (mirror.transport == "siptrace") mirror = siptrace_info(*message);
      auto event = decoder.decode(*message, mirror, 1'700'000'000'000);
      if (event) (void)encode_sip_call_event(*event);
      break;
    }
    case 1:  // a TCP stream
      (void)stream_record_length(input, 65535);
      break;
    case 2: {  // a multipart body; its boundary is the first line
      const auto nl = input.find('\n');
      if (nl == std::string_view::npos) return 0;
      (void)parse_multipart(input.substr(nl + 1), input.substr(0, nl));
      break;
    }
    case 3: {  // header values: addresses, URIs, parameters, lists; and XML
      for (const auto part : split_header_list(input)) {
        if (auto na = parse_name_addr(part)) {
          (void)parse_uri(na->uri);
          (void)find_param(na->params, "tag");
        }
      }
      (void)dialed_of(input, input);
      (void)xml_screen_error(input, 16384);
      break;
    }
  }
  return 0;
}
