#pragma once
// Microsoft Graph change notifications for Teams emergency calls (Graph's
// "Get change notifications for Microsoft Teams emergency call event
// updates"; resource communications/calls/getEmergencyEventsByPolicy):
// the subscription's validation handshake, each notification's clientState
// and encrypted resource data, and the emergencyCallEvent mapped to the
// contract's call event. Pure but for the decryption key it is given.
//
// emergencyCallEvent -> call event:
//   id                                 call_id "teams-<id>", event_id "teams-<id>-<callEventType>"
//   callEventType callStarted/callEnded  call.initiated / call.ended (others ignored)
//   eventDateTime                      occurred_at
//   emergencyNumberDialed              dialed
//   callerInfo.upn                     caller.user_id (else the phone number)
//   callerInfo.displayName, phoneNumber  caller.name, caller.callback
//   callerInfo.location.address        a PIDF-LO civic address (the endpoint-supplied
//     (+ additionalData)                 location; countryOrRegion as a code or an English name)
//   callerInfo.location.coordinates    the PIDF-LO's point (0,0 is Teams' "unknown" and left out)
//   policyName, tenantId               "teams": {...} (informational)
//
// clientState is the secret the subscription was created with: a
// notification without it is not from Graph and is refused. The JWTs in
// validationTokens are not checked (that needs Microsoft's signing keys
// from the internet); the clientState and the signature of the encrypted
// data, which only a holder of our certificate's private key can open,
// stand in for them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "producers/ingest/graph_decryptor.h"

namespace e911::ingest {

struct GraphSettings {
  std::string client_state;                // required
  const GraphDecryptor* decryptor = nullptr;  // required
};

// One notification of a request, decoded.
struct GraphItem {
  enum class Kind { call_event, ignored, rejected };
  Kind kind = Kind::ignored;
  bool authenticated = false;  // its clientState matched
  std::string key;             // call_event: the caller's user id
  std::string json;            // call_event: the call event
  std::string reason;          // ignored / rejected: why ("value[0].clientState: does not match")
  // rejected and authenticated: the notification as received (its resource
  // still encrypted), for the dead-letter topic, rather than the whole batch.
  std::string notification;
};

// The validation handshake: a POST whose query carries validationToken is
// answered 200 text/plain with the token, decoded. nullopt when the query
// has none; an error when it is malformed.
std::optional<Result<std::string>> graph_validation_token(std::string_view query);

// A notification request's body: {"value": [...]}. An error when the body
// is not such a document (every notification then fails with it).
Result<std::vector<GraphItem>> handle_graph_notifications(std::string_view body, const GraphSettings& settings);

// The decrypted resource (an emergencyCallEvent, at the top level or under
// "emergencyCallEvent") as a call event; `ignored` for call event types
// that are not a call starting or ending.
GraphItem map_emergency_call_event(std::string_view resource_json);

}  // namespace e911::ingest
