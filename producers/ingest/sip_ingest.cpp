#include "producers/ingest/sip_ingest.h"

#include "common/text.h"

namespace e911::ingest {
namespace {

// Messages that are ordinary SIP traffic rather than bad input: decoded
// fine, just not a call event (ACK, provisional responses, re-INVITEs...).
bool is_not_a_call_event(const std::string& reason) { return reason.find("not a call event") != std::string::npos; }

}  // namespace

SipIngest::SipIngest(SipIngestOptions options)
    : options_(std::move(options)),
      decoder_(options_.decode, options_.max_dialogs),
      seen_(options_.dedup_capacity) {
  if (!options_.dial_plan) options_.dial_plan = std::make_shared<const registry::DialPlan>(
      std::map<std::string, registry::CountryNumbers>{}, std::vector<std::string>{});
}

bool SipIngest::may_be_emergency(std::string_view dialed) const { return options_.dial_plan->maybe_emergency(dialed); }

IngestResult SipIngest::handle_packet(std::string_view bytes, EpochMillis now) {
  if (is_hep3(bytes)) {
    auto hep = decode_hep3(bytes, options_.hep_auth_key);
    if (!hep) return {.kind = IngestResult::Kind::rejected, .reason = hep.error().message, .transport = "hep"};
    return handle_sip(hep->sip, hep->info, now);
  }
  std::size_t leading = 0;
  while (leading < bytes.size() && (bytes[leading] == '\r' || bytes[leading] == '\n')) ++leading;
  if (leading == bytes.size() && !bytes.empty())
    return {.kind = IngestResult::Kind::ignored, .reason = "keep-alive", .transport = "siptrace"};
  return handle_sip(bytes, MirrorInfo{.transport = "siptrace"}, now);
}

IngestResult SipIngest::handle_sip(std::string_view sip, MirrorInfo mirror, EpochMillis now) {
  IngestResult out;
  out.transport = mirror.transport;
  auto message = parse_sip_message(sip, options_.limits);
  if (!message) {
    out.kind = IngestResult::Kind::rejected;
    out.reason = message.error().message;
    return out;
  }
  if (mirror.transport == "siptrace") {
    const auto trace = siptrace_info(*message);
    mirror.source_ip = trace.source_ip;
    mirror.captured_at = trace.captured_at;
  }
  auto event = decoder_.decode(*message, mirror, now);
  if (!event) {
    out.reason = event.error().message;
    out.kind = is_not_a_call_event(out.reason) ? IngestResult::Kind::ignored : IngestResult::Kind::rejected;
    return out;
  }
  out.event_id = event->event.event_id;
  out.type = event->event.type;
  if (!options_.forward_non_emergency && !may_be_emergency(event->event.dialed)) {
    out.kind = IngestResult::Kind::ignored;
    out.reason = "not an emergency or test number: " + quote_for_message(event->event.dialed, 40);
    return out;
  }
  if (!seen_.insert(out.event_id)) {
    out.kind = IngestResult::Kind::duplicate;
    out.reason = "event " + out.event_id + " already produced";
    return out;
  }
  out.kind = IngestResult::Kind::event;
  out.location_dropped = !event->location_error.empty();
  out.key = event->event.subject_id();
  out.json = encode_sip_call_event(*event);
  return out;
}

}  // namespace e911::ingest
