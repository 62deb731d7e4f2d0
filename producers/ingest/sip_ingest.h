#pragma once
// The ingest's decision for each mirrored packet or posted SIP message:
// unwrap it (HEP v3 or plain SIP), decode it into a call event, absorb
// duplicates, and keep or drop non-emergency calls. Pure apart from its
// memory of dialogs and recent event ids; not thread-safe (the service
// serialises calls, which also keeps one dialog's messages in order).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/ip_address.h"
#include "common/recent_ids.h"
#include "common/timestamp.h"
#include "producers/ingest/mirror.h"
#include "producers/ingest/sip_call_event.h"
#include "producers/ingest/sip_message.h"
#include "registry/dial_plan.h"

namespace e911::ingest {

struct SipIngestOptions {
  SipDecodeOptions decode{};
  SipLimits limits{};
  // Non-emergency calls: dropped, or forwarded so the locator keeps each
  // user's network state current (DESIGN.md: it drops them cheaply).
  bool forward_non_emergency = false;
  std::string hep_auth_key{};  // empty: HEP packets are not authenticated
  std::size_t dedup_capacity = 200'000;
  std::size_t max_dialogs = 100'000;
  // Which dialed strings may be emergency or test calls (the registry's
  // prefixes and numbers); null: libphonenumber's and the URNs only.
  std::shared_ptr<const registry::DialPlan> dial_plan{};
};

struct IngestResult {
  enum class Kind {
    event,      // a call event to produce: json, key
    duplicate,  // its event_id was seen (a retransmission, a second mirror)
    ignored,    // not a call event, or not an emergency call: reason
    rejected,   // not usable input: reason (dead-lettered)
  };
  Kind kind = Kind::ignored;
  std::string reason{};
  std::string json{};
  std::string key{};  // the caller's user id (or device id): the topic's key
  std::string event_id{};
  CallEventType type = CallEventType::initiated;
  bool location_dropped = false;  // a conveyed PIDF-LO could not be used
  std::string transport{};        // "siptrace", "hep", "http"
};

class SipIngest {
 public:
  explicit SipIngest(SipIngestOptions options);

  // One UDP datagram or TCP record from a mirror: HEP v3 or plain SIP.
  IngestResult handle_packet(std::string_view bytes, EpochMillis now);
  // A SIP message given directly (HTTP message/sip), with what is known.
  IngestResult handle_sip(std::string_view sip, MirrorInfo mirror, EpochMillis now);

  std::size_t open_dialogs() const { return decoder_.dialogs().size(); }

 private:
  bool may_be_emergency(std::string_view dialed) const;

  SipIngestOptions options_;
  SipCallDecoder decoder_;
  RecentIds seen_;
};

}  // namespace e911::ingest
