#include "producers/ingest/sip_call_event.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <array>
#include <charconv>
#include <cstddef>
#include <memory_resource>
#include <span>

#include "common/json_writer.h"
#include "common/mac_address.h"
#include "common/pidf_lo.h"
#include "common/sha256.h"
#include "common/text.h"
#include "common/utf8.h"
#include "producers/ingest/multipart.h"
#include "producers/ingest/sip_address.h"
#include "producers/ingest/xml_screen.h"
#include "registry/dial_plan.h"

namespace e911::ingest {
namespace {

// "sip-" and the first `hex_chars` hex digits of a SHA-256.
std::string sip_id(const Sha256Digest& digest, std::size_t hex_chars) {
  std::string id;
  id.reserve(4 + hex_chars);
  id.append("sip-");
  append_hex(id, digest, hex_chars);
  return id;
}

struct Identity {
  NameAddr name;  // name.uri: the URI as written
  Uri uri;
};

// Parsed in place: a decode reads three or four addresses.
bool identity_of(std::string_view value, Identity& out) {
  return parse_name_addr(value, out.name) && parse_uri(out.name.uri, out.uri);
}

std::optional<Identity> identity_of(std::string_view value) {
  std::optional<Identity> id{std::in_place};
  if (!identity_of(value, *id)) id.reset();
  return id;
}

// The caller's identities, each parsed once. Filled in place, never moved:
// its P-Asserted-Identity list is kept on the stack.
struct Identities {
  std::optional<Identity> from;
  // P-Asserted-Identity: a sip and a tel identity at most (RFC 3325), so
  // room for two without allocating; more, sent against the RFC, are read
  // too (the arena then allocates).
  alignas(Identity) std::array<std::byte, 2 * sizeof(Identity)> room;
  std::pmr::monotonic_buffer_resource arena{room.data(), room.size()};
  std::pmr::vector<Identity> asserted{&arena};
  std::optional<Identity> remote_party;

  Identities() { asserted.reserve(2); }
  Identities(const Identities&) = delete;
  Identities& operator=(const Identities&) = delete;
};

void identities_of(const SipMessage& m, Identities& ids) {
  // From is a single name-addr: no list to split.
  if (const auto from = m.header("From"); from && !identity_of(*from, ids.from.emplace())) ids.from.reset();
  m.find_value("P-Asserted-Identity", [&](std::string_view v) {
    if (!identity_of(v, ids.asserted.emplace_back())) ids.asserted.pop_back();
    return false;
  });
  m.find_value("Remote-Party-ID", [&](std::string_view v) {
    if (!ids.remote_party) ids.remote_party.emplace();
    if (identity_of(v, *ids.remote_party)) return true;
    ids.remote_party.reset();
    return false;
  });
}

// A number that can be dialled back: E.164 with '+', or at least 8 digits
// (an extension is not a callback number).
bool is_callback_number(std::string_view s) {
  return is_phone_number(s) && (s.front() == '+' || s.size() >= 8);
}

std::string callback_of(const Identities& ids) {
  // RFC 3325: up to one sip and one tel identity; the tel one is the number.
  for (const auto& id : ids.asserted)
    if (id.uri.scheme == "tel" && is_callback_number(id.uri.user)) return id.uri.user;
  for (const auto& id : ids.asserted)
    if (is_callback_number(id.uri.user)) return id.uri.user;
  if (ids.remote_party && is_callback_number(ids.remote_party->uri.user)) return ids.remote_party->uri.user;
  if (ids.from && is_callback_number(ids.from->uri.user)) return ids.from->uri.user;
  return {};
}

std::string user_id_of(const IdentityMapping& mapping, const Identity& id) {
  if (mapping.pattern) {
    std::match_results<std::string_view::const_iterator> match;
    if (std::regex_search(id.name.uri.begin(), id.name.uri.end(), match, *mapping.pattern)) {
      const auto& group = match.size() > 1 && match[1].matched ? match[1] : match[0];
      if (group.length() > 0) return group.str();
    }
  }
  return id.uri.user;
}

bool is_sip_uri(const Uri& uri) { return uri.scheme == "sip" || uri.scheme == "sips"; }

// The user id the registry's directory lists for the caller: by the
// identity user ids are keyed by, then by the caller's other SIP URIs, then
// by number (the callback first, then any E.164 user part), then by
// extension. nullptr when it lists none of them.
const std::string* listed_user(const registry::Directory& directory, const Identity& keyed, const Identities& ids,
                               const Caller& caller) {
  std::vector<const Identity*> all{&keyed};
  for (const auto& id : ids.asserted) all.push_back(&id);
  if (ids.from) all.push_back(&*ids.from);
  if (ids.remote_party) all.push_back(&*ids.remote_party);
  for (const auto* id : all) {
    if (!is_sip_uri(id->uri)) continue;
    if (const auto* user = directory.user_for_uri(id->uri.user, id->uri.host)) return user;
  }
  if (const auto* user = directory.user_for_number(caller.callback)) return user;
  for (const auto* id : all) {
    if (id->uri.user.empty() || id->uri.user.front() != '+') continue;
    if (const auto* user = directory.user_for_number(id->uri.user)) return user;
  }
  return directory.user_for_extension(caller.extension);
}

// `SIP/2.0/UDP 10.40.1.23:5060;branch=z9hG4bK...;received=...`: the host of the sent-by.
std::string_view via_host(std::string_view via) {
  const auto sp = via.find_first_of(" \t");
  if (sp == std::string_view::npos) return {};
  auto sent_by = trim(via.substr(sp + 1));
  sent_by = trim(sent_by.substr(0, sent_by.find(';')));
  if (!sent_by.empty() && sent_by.front() == '[') {
    const auto close = sent_by.find(']');
    return close == std::string_view::npos ? std::string_view{} : sent_by.substr(1, close - 1);
  }
  return sent_by.substr(0, sent_by.find(':'));
}

std::string_view via_params(std::string_view via) {
  const auto semi = via.find(';');
  return semi == std::string_view::npos ? std::string_view{} : via.substr(semi);
}

// PureConnect's ININAttr: "uu_StationMacAddress=...;uu_StationIPAddress=...".
struct InteractionAttributes {
  std::string_view mac, ip, station;
};

InteractionAttributes inin_attributes(const SipMessage& m) {
  InteractionAttributes out;
  const auto value = m.header("ININAttr");
  if (!value) return out;
  auto v = trim(*value);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  while (!v.empty()) {
    const auto semi = v.find(';');
    const auto item = trim(v.substr(0, semi));
    v = semi == std::string_view::npos ? std::string_view{} : v.substr(semi + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const auto key = trim(item.substr(0, eq));
    const auto val = trim(item.substr(eq + 1));
    if (equals_ignore_case(key, "uu_StationMacAddress")) out.mac = val;
    else if (equals_ignore_case(key, "uu_StationIPAddress")) out.ip = val;
    else if (equals_ignore_case(key, "uu_StationName")) out.station = val;
  }
  return out;
}

// `bottom_via`: the Via the message started with.
Device device_of(const SipMessage& m, const MirrorInfo& mirror, std::string_view bottom_via) {
  Device d;
  const auto inin = inin_attributes(m);
  if (!inin.mac.empty()) d.mac = MacAddress::parse(inin.mac);
  if (!inin.station.empty()) d.id = std::string(inin.station);
  m.find_value("Contact", [&](std::string_view contact) {
    const auto na = parse_name_addr(contact);
    if (!na) return false;
    // Cisco UCM phones name themselves SEP + their MAC.
    if (auto cisco = find_param(na->params, "+u.sip!devicename.ccm.cisco.com"); cisco && !cisco->empty()) {
      d.id = std::string(*cisco);
      d.kind = "desk-phone";
      if (cisco->size() == 15 && equals_ignore_case(cisco->substr(0, 3), "SEP") && !d.mac)
        d.mac = MacAddress::parse(cisco->substr(3));
    } else if (auto instance = find_param(na->params, "+sip.instance"); instance && d.id.empty()) {
      auto v = trim(*instance);
      if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
      d.id = std::string(v);
    }
    return false;
  });
  m.find_value("P-Access-Network-Info", [&](std::string_view pani) {
    const auto semi = pani.find(';');
    const auto access_type = trim(pani.substr(0, semi));
    if (access_type.size() < 11 || !equals_ignore_case(access_type.substr(0, 11), "IEEE-802.11")) return false;
    if (semi == std::string_view::npos) return false;
    if (auto node = find_param(pani.substr(semi), "i-wlan-node-id")) d.bssid = MacAddress::parse(*node);
    return d.bssid.has_value();
  });
  if (!inin.ip.empty()) d.ip = IpAddress::parse(inin.ip);
  if (!d.ip && mirror.source_ip) d.ip = mirror.source_ip;
  if (!d.ip) {
    if (auto received = find_param(via_params(bottom_via), "received")) d.ip = IpAddress::parse(*received);
    if (!d.ip) d.ip = IpAddress::parse(via_host(bottom_via));
  }
  return d;
}

std::optional<EpochMillis> date_header(const SipMessage& m) {
  const auto value = m.header("Date");
  if (!value) return std::nullopt;
  Poco::DateTime dt;
  int tzd = 0;
  if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::RFC1123_FORMAT, std::string(*value), dt, tzd))
    return std::nullopt;
  dt.makeUTC(tzd);
  return static_cast<EpochMillis>(dt.timestamp().epochMicroseconds() / 1000);
}

struct CSeq {
  std::string_view number;
  std::string_view method;
};

Result<CSeq> cseq_of(const SipMessage& m) {
  const auto value = m.header("CSeq");
  if (!value) return Error{"CSeq: missing"};
  const auto sp = value->find_first_of(" \t");
  CSeq c{value->substr(0, sp), sp == std::string_view::npos ? std::string_view{} : trim(value->substr(sp + 1))};
  if (c.number.empty() || c.number.size() > 10 || !is_phone_number(c.number) || c.number.front() == '+' ||
      c.method.empty())
    return Error{"CSeq: not \"number METHOD\": " + quote_for_message(*value, 40)};
  return c;
}

// The conveyed location (RFC 6442): by value, the PIDF-LO of the body part
// the Geolocation cid: names; by reference, the URIs.
void read_location(const SipMessage& m, SipCallEvent& out) {
  std::string cid;
  bool has_cid = false;
  m.find_value("Geolocation", [&](std::string_view value) {
    const auto na = parse_name_addr(value);
    if (!na) return false;
    const auto inserted_by = find_param(na->params, "inserted-by");
    if (na->uri.size() > 4 && equals_ignore_case(na->uri.substr(0, 4), "cid:")) {
      if (has_cid) return false;  // the first location by value is the one used
      auto decoded = percent_decode(na->uri.substr(4));
      if (!decoded) return false;
      cid = std::move(*decoded);
      has_cid = true;
      if (inserted_by) out.location_inserted_by = std::string(*inserted_by);
      return false;
    }
    const auto uri = parse_uri(na->uri);
    if (!uri) return false;
    if (uri->scheme == "http" || uri->scheme == "https" || uri->scheme == "sip" || uri->scheme == "sips" ||
        uri->scheme == "pres") {
      out.geolocation.emplace_back(na->uri);
      if (inserted_by && out.location_inserted_by.empty()) out.location_inserted_by = std::string(*inserted_by);
    }
    return false;
  });
  if (const auto routing = m.header("Geolocation-Routing")) out.geolocation_routing = to_lower_ascii(*routing);

  const auto content_type = m.header("Content-Type");
  if (!content_type || m.body().empty()) {
    if (has_cid) out.location_error = "Geolocation cid:" + cid + ": the message has no body";
    return;
  }
  auto type = parse_media_type(*content_type);
  std::vector<BodyPart> parts;  // of a multipart body
  std::optional<BodyPart> whole;  // any other body is one part: no list to build
  if (type.type.starts_with("multipart/")) {
    const auto boundary = find_param(type.params, "boundary");
    auto parsed = parse_multipart(m.body(), boundary.value_or(std::string_view{}));
    if (!parsed) {
      out.location_error = parsed.error().message;
      return;
    }
    parts = std::move(*parsed);
  } else {
    // One part, which can be the location only by its Content-ID or type.
    if (!has_cid && type.type != "application/pidf+xml") return;
    const auto id = m.header("Content-ID").value_or("");
    whole = BodyPart{std::move(type), id.size() >= 2 && id.front() == '<' ? id.substr(1, id.size() - 2) : id, m.body()};
  }
  const BodyPart* pidf = nullptr;
  for (const auto& p : whole ? std::span<const BodyPart>(&*whole, 1) : std::span<const BodyPart>(parts)) {
    if (has_cid ? p.content_id == cid : p.content_type.type == "application/pidf+xml") {
      pidf = &p;
      break;
    }
  }
  if (!pidf) {
    if (has_cid) out.location_error = "Geolocation cid:" + cid + ": no body part has that Content-ID";
    return;
  }
  if (pidf->content_type.type != "application/pidf+xml") {
    out.location_error = "Geolocation cid:" + cid + ": the part is " + pidf->content_type.type +
                         ", not application/pidf+xml";
    return;
  }
  if (const auto error = xml_screen_error(pidf->body, kMaxPidfLoBytes)) {
    out.location_error = "PIDF-LO: " + *error;
    return;
  }
  out.event.pidf_lo = std::string(pidf->body);
}

// Caller, device and dialed of the INVITE that starts a call.
std::optional<Error> read_invite(const SipMessage& m, const MirrorInfo& mirror, const IdentityMapping& mapping,
                                 std::string_view bottom_via, SipCallEvent& out) {
  auto dialed = dialed_of(m.request_uri(), m.header("To").value_or(""));
  if (!dialed) return dialed.error();
  out.event.dialed = std::move(*dialed);
  Identities ids;
  identities_of(m, ids);
  if (!ids.from) return Error{"From: missing or not an address"};
  const auto& from = *ids.from;
  const Identity* pai = ids.asserted.empty() ? nullptr : &ids.asserted.front();
  auto& caller = out.event.caller;
  caller.name = from.name.display_name;
  if (caller.name.empty() && pai) caller.name = pai->name.display_name;
  if (caller.name.empty() && ids.remote_party) caller.name = ids.remote_party->name.display_name;
  caller.callback = callback_of(ids);
  if (is_phone_number(from.uri.user) && from.uri.user.front() != '+' && from.uri.user.size() <= 8)
    caller.extension = from.uri.user;
  const auto& keyed = mapping.header == IdentityMapping::Header::p_asserted_identity && pai ? *pai : from;
  const std::string* listed = mapping.directory ? listed_user(*mapping.directory, keyed, ids, caller) : nullptr;
  caller.user_id = listed ? *listed : user_id_of(mapping, keyed);
  if (!is_clean_utf8(caller.name)) caller.name = utf8::repaired(caller.name);
  if (!is_clean_utf8(caller.user_id)) caller.user_id = utf8::repaired(caller.user_id);
  out.event.device = device_of(m, mirror, bottom_via);
  if (!is_clean_utf8(out.event.device.id)) out.event.device.id = utf8::repaired(out.event.device.id);
  if (out.event.subject_id().empty()) return Error{"From: no user part and no device id to key the caller by"};
  read_location(m, out);
  if (const auto hint = m.header("X-MS-UserLocation")) {
    const auto v = to_lower_ascii(*hint);
    if (v == "internal" || v == "external") out.user_location = v;
  }
  return std::nullopt;
}

// Caller and dialed of a later message whose INVITE was not seen: the
// From is taken as the caller and the To as the number dialed.
std::optional<Error> read_unknown_dialog(const SipMessage& m, const IdentityMapping& mapping, SipCallEvent& out) {
  const auto from = identity_of(m.header("From").value_or(""));
  const auto to = identity_of(m.header("To").value_or(""));
  if (!from || !to) return Error{"From or To: missing or not an address"};
  const std::string* listed =
      mapping.directory ? listed_user(*mapping.directory, *from, Identities{}, out.event.caller) : nullptr;
  out.event.caller.user_id = listed ? *listed : user_id_of(mapping, *from);
  out.event.caller.name = from->name.display_name;
  out.event.dialed = to->uri.scheme == "urn" ? "urn:" + to->uri.user : to->uri.user;
  if (out.event.dialed.empty()) return Error{"To: no number (and the dialog's INVITE was not seen)"};
  if (out.event.caller.user_id.empty()) return Error{"From: no user part (and the dialog's INVITE was not seen)"};
  return std::nullopt;
}

void write_string_array(json::Writer& w, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.StartArray();
  for (const auto& v : values) w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  w.EndArray();
}

}  // namespace

Result<std::string> dialed_of(std::string_view request_uri, std::string_view to_value) {
  auto uri = parse_uri(request_uri);
  if (!uri) return Error{"Request-URI: not a URI: " + quote_for_message(request_uri, 60)};
  if (uri->scheme == "urn") {
    // RFC 5031 emergency services, and the RFC 6881 test service.
    std::string urn = "urn:" + uri->user;
    if (registry::service_urn_class(urn) != registry::CallClass::none) return urn;
    return Error{"Request-URI: " + quote_for_message(request_uri, 60) + " is not an emergency service URN"};
  }
  std::string number = std::move(uri->user);
  if (number.empty() && (uri->scheme == "sip" || uri->scheme == "sips")) {
    if (const auto to = parse_name_addr(to_value)) {
      if (const auto to_uri = parse_uri(to->uri)) number = to_uri->user;
    }
  }
  if (number.empty()) return Error{"Request-URI: no number dialed in " + quote_for_message(request_uri, 60)};
  if (!is_clean_utf8(number)) return Error{"Request-URI: the user part is not clean UTF-8"};
  return number;
}

const SipDialogs::Dialog* SipDialogs::find(const std::string& sip_call_id) const {
  const auto it = by_id_.find(sip_call_id);
  return it == by_id_.end() ? nullptr : &it->second.dialog;
}

SipDialogs::Dialog& SipDialogs::begin(const std::string& sip_call_id) {
  if (auto it = by_id_.find(sip_call_id); it != by_id_.end()) return it->second.dialog;
  if (by_id_.size() >= capacity_ && !order_.empty()) {
    by_id_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(sip_call_id);
  auto& entry = by_id_[sip_call_id];
  entry.position = std::prev(order_.end());
  return entry.dialog;
}

void SipDialogs::answered(const std::string& sip_call_id, EpochMillis at) {
  if (auto it = by_id_.find(sip_call_id); it != by_id_.end() && !it->second.dialog.answered_at)
    it->second.dialog.answered_at = at;
}

void SipDialogs::end(const std::string& sip_call_id) {
  if (auto it = by_id_.find(sip_call_id); it != by_id_.end()) {
    order_.erase(it->second.position);
    by_id_.erase(it);
  }
}

std::string call_id_of_sip(std::string_view sip_call_id) { return sip_id(sha256(sip_call_id), 24); }

Result<SipCallEvent> SipCallDecoder::decode(const SipMessage& m, const MirrorInfo& mirror, EpochMillis now) {
  // One Result, filled in place and returned by name: the event is large,
  // and is then never moved (a returned local would be, twice).
  Result<SipCallEvent> result{std::in_place};
  if (auto error = decode_into(m, mirror, now, *result)) result = std::move(*error);
  return result;
}

std::optional<Error> SipCallDecoder::decode_into(const SipMessage& m, const MirrorInfo& mirror, EpochMillis now,
                                                 SipCallEvent& out) {
  const auto sip_call_id = m.header("Call-ID");
  if (!sip_call_id || sip_call_id->empty()) return Error{"Call-ID: missing"};
  if (!is_clean_utf8(*sip_call_id)) return Error{"Call-ID: not clean UTF-8"};
  const auto cseq = cseq_of(m);
  if (!cseq) return cseq.error();
  // The Via the message started with: the bottom one, the same at every hop.
  std::optional<std::string_view> bottom_via;
  m.find_value("Via", [&](std::string_view via) {
    bottom_via = via;
    return false;
  });
  if (!bottom_via) return Error{"Via: missing"};

  out.sip_call_id = std::string(*sip_call_id);
  auto& e = out.event;
  e.call_id = call_id_of_sip(out.sip_call_id);
  e.occurred_at = mirror.captured_at.value_or(now);
  if (!mirror.captured_at && options_.use_date_header) e.occurred_at = date_header(m).value_or(now);

  std::string kind;  // the method, or the status code, in the event id
  if (m.is_request()) {
    kind = std::string(m.method());
    if (m.method() == "INVITE") {
      if (const auto to = parse_name_addr(m.header("To").value_or("")); to && find_param(to->params, "tag"))
        return Error{"re-INVITE within an established dialog: not a call event"};
      if (!equals_ignore_case(cseq->method, "INVITE")) return Error{"CSeq: method is not INVITE"};
      e.type = CallEventType::initiated;
      if (auto err = read_invite(m, mirror, options_.identity, *bottom_via, out)) return *err;
      // What later messages of the dialog repeat: who, from what, dialing
      // what (assigned field by field: a retransmission reuses the strings).
      auto& remembered = dialogs_.begin(out.sip_call_id).initiated;
      remembered.dialed = e.dialed;
      remembered.caller = e.caller;
      remembered.device = e.device;
      remembered.site_id = e.site_id;
    } else if (m.method() == "BYE" || m.method() == "CANCEL") {
      e.type = CallEventType::ended;
    } else {
      return Error{std::string(m.method()) + " request: not a call event"};
    }
  } else {
    kind = std::to_string(m.status());
    if (!equals_ignore_case(cseq->method, "INVITE"))
      return Error{"response " + kind + " to " + std::string(cseq->method) + ": not a call event"};
    if (m.status() < 200) return Error{"provisional response " + kind + ": not a call event"};
    out.status = m.status();
    if (m.status() < 300) {
      e.type = CallEventType::answered;
    } else {
      e.type = CallEventType::ended;
      out.duration_ms = 0;
    }
  }
  if (e.type != CallEventType::initiated) {
    if (const auto* dialog = dialogs_.find(out.sip_call_id)) {
      // BYE or CANCEL: the duration from the answer (0 when never answered).
      if (m.is_request())
        out.duration_ms = dialog->answered_at ? std::max<std::int64_t>(0, e.occurred_at - *dialog->answered_at) : 0;
      const auto& first = dialog->initiated;
      e.dialed = first.dialed;
      e.caller = first.caller;
      e.device = first.device;
      e.site_id = first.site_id;
    } else if (auto err = read_unknown_dialog(m, options_.identity, out)) {
      return *err;
    }
    if (e.type == CallEventType::answered) dialogs_.answered(out.sip_call_id, e.occurred_at);
    else dialogs_.end(out.sip_call_id);
  }
  const auto branch = find_param(via_params(*bottom_via), "branch");
  const auto via_key = branch ? *branch : *bottom_via;
  const auto method = to_upper_ascii(cseq->method);
  // Call-ID \n CSeq number and method \n method or status \n branch
  e.event_id = sip_id(sha256({out.sip_call_id, "\n", cseq->number, " ", method, "\n", kind, "\n", via_key}), 32);
  return std::nullopt;
}

std::string encode_sip_call_event(const SipCallEvent& s) {
  const auto& e = s.event;
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::put_call_event_fields(w, e);
  if (s.duration_ms) {
    w.Key("duration_ms");
    w.Int64(*s.duration_ms);
  }
  w.Key("sip");
  w.StartObject();
  json::put(w, "call_id", s.sip_call_id);
  if (s.status) {
    w.Key("status");
    w.Int(*s.status);
  }
  write_string_array(w, "geolocation", s.geolocation);
  json::put_if(w, "geolocation_routing", s.geolocation_routing);
  json::put_if(w, "location_inserted_by", s.location_inserted_by);
  json::put_if(w, "location_error", s.location_error);
  json::put_if(w, "user_location", s.user_location);
  w.EndObject();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace e911::ingest
