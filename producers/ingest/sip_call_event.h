#pragma once
// From a SIP message of an emergency call to the contract's call event
// (CONTRACT.md "SIP messages offline"; docs/ingest.md says which header
// gives which field). Pure: the time, the mirror's view of the packet and
// the dialogs seen so far come in as arguments.
//
// Lifecycle: an INVITE that starts a dialog -> call.initiated; a 2xx to an
// INVITE -> call.answered; BYE, CANCEL, or a final non-2xx to an INVITE ->
// call.ended (with duration_ms once the start is known). Anything else
// (provisional responses, ACK, re-INVITEs, REGISTER, OPTIONS...) is "not a
// call event", with the reason.
//
// Ids: call_id is derived from the SIP Call-ID, so every message of one
// dialog gets the same one; event_id from Call-ID, CSeq, the method or the
// status and the branch of the Via the message started with (the bottom
// one, the same at every hop), so a retransmission, or one message mirrored
// twice or at two proxies, is one event. Both are SHA-256 based: a sender
// cannot make one call's event pass for another's.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/events.h"
#include "common/ip_address.h"
#include "common/result.h"
#include "common/timestamp.h"
#include "producers/ingest/sip_message.h"
#include "registry/directory.h"

namespace e911::ingest {

// Which SIP identity becomes caller.user_id (the key registered locations
// use).
struct IdentityMapping {
  enum class Header { from, p_asserted_identity };
  Header header = Header::from;
  // Applied to the whole URI ("sip:jsmith@corp.example.com"): the first
  // capture group (or the whole match) is the user id. Without a pattern,
  // or when it does not match, the user part as it is.
  std::optional<std::regex> pattern;
  std::string pattern_text;  // for messages
  // The registry's directory: looked up first (the caller's SIP URIs, then
  // numbers, then extension); the header and pattern above when it lists
  // none of them. Null: no directory.
  std::shared_ptr<const registry::Directory> directory;
};

// What the mirror knew about the packet (siptrace x-headers, HEP chunks).
struct MirrorInfo {
  std::optional<IpAddress> source_ip{};    // where the proxy received the message from
  std::optional<EpochMillis> captured_at{};  // when it did
  std::string transport{};                 // "siptrace", "hep", "http", "file"
};

struct SipCallEvent {
  CallEvent event;
  std::string sip_call_id;
  std::optional<std::int64_t> duration_ms;   // call.ended: from the answer (0 when never answered)
  std::optional<int> status;                 // the SIP status that ended or answered the call
  std::vector<std::string> geolocation;      // Geolocation URIs by reference (never fetched)
  std::string geolocation_routing;           // Geolocation-Routing: "yes" / "no" / ""
  std::string location_inserted_by;          // the inserted-by parameter of the Geolocation used
  std::string location_error;                // why a conveyed PIDF-LO was not used ("" when none)
  std::string user_location;                 // X-MS-UserLocation hint: "internal" / "external" / ""
};

// The contract's JSON for the event (one line, no newline): the call event
// fields and, under "sip", what the SIP message said beyond them.
std::string encode_sip_call_event(const SipCallEvent& e);

// The dialogs an ingest has seen: what their INVITE said, when they began
// and were answered, so later messages carry the same caller and a
// duration. Bounded: the oldest dialog is forgotten first.
class SipDialogs {
 public:
  explicit SipDialogs(std::size_t capacity = 100'000) : capacity_(capacity) {}

  struct Dialog {
    CallEvent initiated;  // the INVITE's dialed, caller, device and site (no ids, no PIDF-LO)
    std::optional<EpochMillis> answered_at;
  };
  const Dialog* find(const std::string& sip_call_id) const;
  // The dialog of that Call-ID, added as the newest when it is new (an
  // INVITE sent again keeps its record, answer time included).
  Dialog& begin(const std::string& sip_call_id);
  void answered(const std::string& sip_call_id, EpochMillis at);
  void end(const std::string& sip_call_id);
  std::size_t size() const { return by_id_.size(); }

 private:
  std::size_t capacity_;
  std::list<std::string> order_;  // oldest first
  struct Entry {
    Dialog dialog;
    std::list<std::string>::iterator position;
  };
  std::unordered_map<std::string, Entry> by_id_;
};

struct SipDecodeOptions {
  IdentityMapping identity;
  // Offline (decode-sip): the Date header gives the time when the mirror
  // did not; a live ingest uses the time it received the message.
  bool use_date_header = false;
};

class SipCallDecoder {
 public:
  explicit SipCallDecoder(SipDecodeOptions options = {}, std::size_t max_dialogs = 100'000)
      : options_(std::move(options)), dialogs_(max_dialogs) {}

  // The call event `message` stands for, or why there is none. `now` is
  // the time used when neither the mirror nor (offline) the Date header
  // gives one.
  Result<SipCallEvent> decode(const SipMessage& message, const MirrorInfo& mirror, EpochMillis now);

  const SipDialogs& dialogs() const { return dialogs_; }

 private:
  // decode() into `out`, which its Result holds.
  std::optional<Error> decode_into(const SipMessage& message, const MirrorInfo& mirror, EpochMillis now,
                                   SipCallEvent& out);
  SipDecodeOptions options_;
  SipDialogs dialogs_;
};

// The call_id of every event of the dialog with this SIP Call-ID.
std::string call_id_of_sip(std::string_view sip_call_id);

// The number dialed of an INVITE's Request-URI (or its To when the URI has
// no user): the user part or tel: number without ;phone-context and visual
// separators; "urn:service:sos..." for RFC 5031 emergency URNs. An error
// for anything else (a non-emergency URN, no user at all).
Result<std::string> dialed_of(std::string_view request_uri, std::string_view to_value);

}  // namespace e911::ingest
