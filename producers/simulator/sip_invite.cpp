#include "producers/simulator/sip_invite.h"

namespace e911::simulator {

namespace {

constexpr const char* kDomain = "pbx.sim.example.com";

// SIP's quoted-string: the name as a display name, without what would end it.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\' || c == '\r' || c == '\n') continue;
    out += c;
  }
  return out + "\"";
}

std::string host_of(const IpAddress& ip) { return ip.is_v4() ? ip.to_string() : "[" + ip.to_string() + "]"; }

}  // namespace

bool sip_carries(const CallEvent& call, const registry::Registry& registry) {
  const Device& d = call.device;
  if (!d.ip || d.lldp || d.vpn || d.geo || !call.pidf_lo.empty()) return false;
  if (call.caller.user_id.empty()) return false;
  if (call.site_id.empty()) return true;
  const registry::Place* place = d.bssid ? registry.by_access_point(*d.bssid) : nullptr;
  if (!place) place = registry.by_subnet(*d.ip);
  return place && registry.site_of(*place).id == call.site_id;
}

std::optional<MirroredInvite> mirrored_invite(const CallEvent& call, const registry::Registry& registry,
                                              EpochMillis captured_at) {
  if (!sip_carries(call, registry)) return std::nullopt;
  const Device& d = call.device;
  const std::string device_host = host_of(*d.ip);
  const std::string user = call.caller.user_id;
  MirroredInvite out;
  out.sip_call_id = call.call_id + "@" + kDomain;
  std::string m;
  m += "INVITE sip:" + call.dialed + "@" + kDomain + ";user=phone SIP/2.0\r\n";
  m += "Via: SIP/2.0/UDP " + device_host + ":5060;branch=z9hG4bK-" + call.call_id + "\r\n";
  m += "Max-Forwards: 70\r\n";
  m += "From: " + (call.caller.name.empty() ? "" : quoted(call.caller.name) + " ") + "<sip:" + user + "@" + kDomain +
       ">;tag=" + call.call_id + "\r\n";
  m += "To: <sip:" + call.dialed + "@" + kDomain + ";user=phone>\r\n";
  m += "Call-ID: " + out.sip_call_id + "\r\n";
  m += "CSeq: 1 INVITE\r\n";
  m += "Contact: <sip:" + user + "@" + device_host + ":5060>\r\n";
  if (!call.caller.callback.empty()) m += "P-Asserted-Identity: <tel:" + call.caller.callback + ">\r\n";
  if (d.bssid) m += "P-Access-Network-Info: IEEE-802.11;i-wlan-node-id=" + d.bssid->to_string() + "\r\n";
  // What siptrace's xheaders_write adds: where the proxy got the message, and when.
  m += "X-Siptrace-Fromip: udp:" + device_host + ":5060\r\n";
  m += "X-Siptrace-Toip: udp:127.0.0.1:5060\r\n";
  m += "X-Siptrace-Time: " + std::to_string(captured_at / 1000) + " " + std::to_string(captured_at % 1000 * 1000) +
       "\r\n";
  m += "X-Siptrace-Method: INVITE\r\n";
  m += "X-Siptrace-Dir: in\r\n";
  m += "Content-Length: 0\r\n\r\n";
  out.message = std::move(m);
  return out;
}

}  // namespace e911::simulator
