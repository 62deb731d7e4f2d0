#pragma once
// A simulated call as SIP: the INVITE a softphone or desk phone sends for
// it, as Kamailio's siptrace module mirrors it to the ingest (sip_trace()
// with xheaders_write: the message as received plus X-Siptrace-Fromip,
// -Toip, -Time, -Method and -Dir). The demo sends some of its calls this
// way, so the ingest's SIP door is part of what it shows.

#include <optional>
#include <string>

#include "common/events.h"
#include "common/timestamp.h"
#include "registry/registry.h"

namespace e911::simulator {

struct MirroredInvite {
  std::string sip_call_id;  // the Call-ID header
  std::string message;      // the whole mirrored datagram, CRLF line ends
};

// Whether SIP signalling carries everything the locator uses of `call`:
// SIP gives the dialed number, the caller (From, P-Asserted-Identity), the
// device's address and Wi-Fi access point, but no LLDP switch port, no VPN
// flag, no GPS fix, and no telephony site (so the call's network must
// place it at its site in `registry`, or it names none).
bool sip_carries(const CallEvent& call, const registry::Registry& registry);

// The INVITE for `call` (its caller as From, its callback as
// P-Asserted-Identity, its device's address as the siptrace source, its
// BSSID as P-Access-Network-Info; not its device id, which is no SIP
// instance URN), captured by the proxy at `captured_at`.
// The Call-ID is derived from the call's id. nullopt when !sip_carries.
std::optional<MirroredInvite> mirrored_invite(const CallEvent& call, const registry::Registry& registry,
                                              EpochMillis captured_at);

}  // namespace e911::simulator
