#pragma once
// The input events of CONTRACT.md: call events (e911.call-events) and
// location updates (e911.location-updates), decoded and validated.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/civic_address.h"
#include "common/ip_address.h"
#include "common/json_reader.h"
#include "common/mac_address.h"
#include "common/result.h"
#include "common/timestamp.h"

namespace e911 {

inline constexpr std::string_view kCallEventSchema = "e911.call-event/v1";
inline constexpr std::string_view kLocationUpdateSchema = "e911.location-update/v1";

enum class CallEventType { initiated, answered, ended };

struct Caller {
  std::string user_id;
  std::string name;
  std::string extension;
  std::string callback;
};

// A switch port seen over LLDP. The chassis id is kept canonical (a MAC in
// lower-case colon form when it is one) so any notation matches.
struct LldpPort {
  std::string chassis_id;
  std::string port_id;
};

struct GeoPoint {
  double lat = 0;
  double lon = 0;
  std::optional<double> accuracy_m;
};

struct Device {
  std::string id;
  std::string kind;
  std::optional<MacAddress> mac;
  std::optional<IpAddress> ip;
  std::optional<LldpPort> lldp;
  std::optional<MacAddress> bssid;
  bool vpn = false;
  std::optional<GeoPoint> geo;
};

struct CallEvent {
  std::string event_id;
  std::string call_id;
  CallEventType type = CallEventType::initiated;
  EpochMillis occurred_at = 0;
  std::string dialed;
  Caller caller;
  Device device;
  std::string site_id;
  std::string pidf_lo;
  // The user the location state is keyed by: the caller, else the device.
  const std::string& subject_id() const { return caller.user_id.empty() ? device.id : caller.user_id; }
};

struct LocationUpdate {
  std::string event_id;
  EpochMillis occurred_at = 0;
  std::string user_id;
  std::string source;
  bool validated = false;
  CivicAddress address;
  // What the client saw when the user registered.
  std::optional<IpAddress> network_ip;
  std::optional<MacAddress> network_bssid;
};

using InputEvent = std::variant<CallEvent, LocationUpdate>;

// "call.initiated", "call.answered", "call.ended".
constexpr const char* call_event_type_name(CallEventType type) {
  switch (type) {
    case CallEventType::initiated: return "call.initiated";
    case CallEventType::answered: return "call.answered";
    case CallEventType::ended: return "call.ended";
  }
  return "call.initiated";
}

// Decodes either event kind, chosen by its "schema" field.
Result<InputEvent> decode_input_event(std::string_view payload, const JsonLimits& limits = {});

// Reads a civic address object; errors name fields under `path`.
std::optional<CivicAddress> read_civic_address(const rapidjson::Value& object, const std::string& path,
                                               const JsonLimits& limits, std::optional<Error>& error);

// Optional IP and MAC address fields ("" counts as absent); errors name the
// field and quote the value.
bool read_ip(FieldReader& r, const char* name, std::optional<IpAddress>& out);
bool read_mac(FieldReader& r, const char* name, std::optional<MacAddress>& out);

// Canonical LLDP chassis id: a MAC in canonical form, else trimmed lower case.
std::string canonical_chassis_id(std::string_view raw);

}  // namespace e911
