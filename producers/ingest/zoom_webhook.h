#pragma once
// Zoom Phone's webhooks (the Zoom developer documentation, "Using
// webhooks"; the event "phone.emergency_alert"): the signature every
// request carries, the endpoint URL validation challenge, and the
// emergency alert mapped to the contract's call event. Pure.
//
// Signature: x-zm-signature is "v0=" + hex HMAC-SHA256 under the app's
// secret token of "v0:" + x-zm-request-timestamp + ":" + the raw body; a
// timestamp more than five minutes from now is refused (a replay).
//
// phone.emergency_alert -> call.initiated:
//   payload.object.call_id               call_id "zoom-<call_id>", event_id "zoom-<call_id>-alert"
//   callee.phone_number                  dialed
//   caller.id / display_name /           caller.user_id, name, extension, callback
//     extension_number / phone_number
//   location.ip[0], bssid[0], gps[0]     device.ip, device.bssid, device.geo ("lat,lon")
//   emergency_address                    a PIDF-LO (the address Zoom conveyed), as the
//                                        endpoint-supplied location
//   ringing_start_time (else event_ts)   occurred_at
//   caller.site_id, site_name, router,   "zoom": {...} (informational; Zoom's site ids
//     deliver_to, account_id               are not the registry's)

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/timestamp.h"

namespace e911::ingest {

inline constexpr std::int64_t kZoomTimestampToleranceMs = 5 * 60 * 1000;

// nullopt when the signature is right and the timestamp recent.
std::optional<std::string> zoom_signature_error(std::string_view secret, std::string_view timestamp,
                                                std::string_view signature, std::string_view body, EpochMillis now);

struct ZoomOutcome {
  enum class Kind { validation, call_event, ignored };
  Kind kind = Kind::ignored;
  std::string response;  // validation: the JSON body to answer with
  std::string key;       // call_event: the caller's user id
  std::string json;      // call_event: the call event
  std::string reason;    // ignored: why
};

// A verified request's body. Errors name the field ("payload.object.call_id: missing").
Result<ZoomOutcome> handle_zoom_event(std::string_view body, std::string_view secret);

}  // namespace e911::ingest
