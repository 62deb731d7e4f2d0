#pragma once
// What an alert needs from an e911.emergency-call/v1 document (the
// locator's output, schemas/emergency-call.v1.schema.json), decoded and
// checked. Fields the alerts do not use (device, PIDF-LO, method...) are
// not read, so a change in them never stops an alert.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civic_address.h"
#include "common/events.h"
#include "common/json_reader.h"
#include "common/result.h"
#include "common/timestamp.h"

namespace e911::notifier {

enum class CallClass { emergency, test };
enum class Routing { psap, ecrc };

struct LocationView {
  std::string source;  // e911::source::k* ("switch-port", "registered", "none"...)
  bool dispatchable = false;
  std::string site_id;  // the site the caller is physically at, when network-derived
  std::string zone_id;
  std::string label;
  std::optional<CivicAddress> address;
  std::optional<GeoPoint> geo;
  // source registered: whether an address validation provider confirmed
  // the address (nullopt when the document does not say).
  std::optional<bool> validated;
};

struct EmergencyCallView {
  std::string call_id;
  CallClass call_class = CallClass::emergency;
  std::string dialed;
  std::optional<EpochMillis> occurred_at;  // optional in the schema
  Caller caller;                           // every field may be empty
  std::string site_id;                     // the caller's home site (the event's site_id)
  LocationView location;
  Routing routing = Routing::psap;
  // Codes in document order (e911::warning::k*). Codes this build does not
  // know are kept, so a newer locator's warning still reaches a human.
  std::vector<std::string> warnings;
  std::string notify;   // notification list id; empty when null
  std::string country;  // ISO 3166-1 alpha-2; empty when null
  std::string elin;     // the ELIN conveyed for the caller's zone; empty when none

  bool is_test() const { return call_class == CallClass::test; }
  bool has_warning(std::string_view code) const;
};

// Decodes one document. Errors name the field, as decode_input_event's do:
// "location.source: unknown location source \"gps\"".
Result<EmergencyCallView> decode_emergency_call(std::string_view payload, const JsonLimits& limits = {});

}  // namespace e911::notifier
